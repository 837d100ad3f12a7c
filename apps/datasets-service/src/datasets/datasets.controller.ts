import { Controller } from '@nestjs/common';
import { GrpcMethod, GrpcStreamMethod } from '@nestjs/microservices';
import { Observable, defaultIfEmpty, mergeMap, reduce } from 'rxjs';
import { z } from 'zod';
import { datasetsV1 } from '@genlab/contracts';
import { invalidArgument, DomainError, ErrorCode } from '@genlab/errors';
import { id, offset, pageSize, parseRequest } from '@genlab/grpc';
import { toDatasetMessage } from './datasets.mapper';
import { DatasetsService, MAX_IDX_BYTES, datasetName, testCountField } from './datasets.service';

const importIdxRequest = z.object({
  name: datasetName,
  imagesPath: z.string().min(1, 'images_path is required'),
  labelsPath: z.string(),
  testCount: testCountField,
});
const importImageArchiveRequest = z.object({
  name: datasetName,
  archivePath: z.string().min(1, 'archive_path is required').max(4096, 'archive_path: at most 4096 characters'),
  testCount: testCountField,
});
const syntheticRequest = z.object({
  name: datasetName,
  generator: z.string().min(1, 'generator is required'),
  numExamples: z.number().int(),
  seed: z.number().int().min(0),
  testCount: testCountField,
});
const listRequest = z.object({ pageSize, offset });
const previewRequest = z.object({
  datasetId: id('dataset_id'),
  count: z.number().int().min(0).max(256, 'count: at most 256').transform((n) => n || 64),
  split: z.nativeEnum(datasetsV1.Split),
  includePng: z.boolean(),
});

const SERVICE = 'DatasetService';
/** A labels file holds one byte per example (plus its header). */
const MAX_LABEL_BYTES = 64 * 1024 * 1024;

@Controller()
export class DatasetsController {
  constructor(private readonly datasets: DatasetsService) {}

  @GrpcMethod(SERVICE, 'ImportIdx')
  async importIdx(request: datasetsV1.ImportIdxRequest): Promise<datasetsV1.Dataset> {
    const r = parseRequest(importIdxRequest, request);
    return toDatasetMessage(await this.datasets.importIdxFromPaths(r.name, r.imagesPath, r.labelsPath, r.testCount));
  }

  @GrpcMethod(SERVICE, 'ImportImageArchive')
  async importImageArchive(request: datasetsV1.ImportImageArchiveRequest): Promise<datasetsV1.Dataset> {
    const r = parseRequest(importImageArchiveRequest, request);
    return toDatasetMessage(await this.datasets.importImageArchive(r.name, r.archivePath, r.testCount));
  }

  /** Returns an Observable synchronously: Nest replays buffered chunks only after the handler returns. */
  @GrpcStreamMethod(SERVICE, 'UploadIdx')
  uploadIdx(chunks: Observable<datasetsV1.UploadIdxChunk>): Observable<datasetsV1.Dataset> {
    return chunks.pipe(
      reduce(accumulateUpload, emptyUpload()),
      defaultIfEmpty(emptyUpload()),
      mergeMap((upload) => this.finishUpload(upload)),
    );
  }

  private async finishUpload(upload: UploadState): Promise<datasetsV1.Dataset> {
    if (!upload.header) throw invalidArgument('the first message of the stream must be a header');
    const header = parseRequest(z.object({ name: datasetName, testCount: testCountField }), upload.header);
    if (upload.images.length === 0) throw invalidArgument('no images_chunk messages were sent');
    if (upload.header.hasLabels && upload.labels.length === 0) throw invalidArgument('has_labels is set but no labels_chunk messages were sent');
    const labels = upload.labels.length ? Buffer.concat(upload.labels) : undefined;
    return toDatasetMessage(await this.datasets.importIdx(header.name, Buffer.concat(upload.images), labels, header.testCount));
  }

  @GrpcMethod(SERVICE, 'CreateSynthetic')
  async createSynthetic(request: datasetsV1.CreateSyntheticRequest): Promise<datasetsV1.Dataset> {
    const r = parseRequest(syntheticRequest, request);
    return toDatasetMessage(await this.datasets.createSynthetic(r.name, r.generator, r.numExamples, r.seed, r.testCount));
  }

  @GrpcMethod(SERVICE, 'GetDataset')
  async getDataset(request: datasetsV1.GetDatasetRequest): Promise<datasetsV1.Dataset> {
    const r = parseRequest(z.object({ id: id('id') }), request);
    return toDatasetMessage(await this.datasets.get(r.id));
  }

  @GrpcMethod(SERVICE, 'ListDatasets')
  async listDatasets(request: datasetsV1.ListDatasetsRequest): Promise<datasetsV1.ListDatasetsResponse> {
    const r = parseRequest(listRequest, request);
    const page = await this.datasets.list(r.pageSize, r.offset);
    return { datasets: page.items.map(toDatasetMessage), total: page.total };
  }

  @GrpcMethod(SERVICE, 'DeleteDataset')
  async deleteDataset(request: datasetsV1.DeleteDatasetRequest): Promise<datasetsV1.DeleteDatasetResponse> {
    const r = parseRequest(z.object({ id: id('id') }), request);
    await this.datasets.delete(r.id);
    return {};
  }

  @GrpcMethod(SERVICE, 'GetPreview')
  async getPreview(request: datasetsV1.GetPreviewRequest): Promise<datasetsV1.Preview> {
    const r = parseRequest(previewRequest, request);
    const split = r.split === datasetsV1.Split.SPLIT_TEST ? 'test' : 'train';
    const preview = await this.datasets.preview(r.datasetId, r.count, split, r.includePng);
    return { ...preview, png: preview.png ?? Buffer.alloc(0) };
  }
}

interface UploadState {
  header?: datasetsV1.UploadIdxHeader;
  images: Buffer[];
  labels: Buffer[];
  bytes: number;
}

const emptyUpload = (): UploadState => ({ images: [], labels: [], bytes: 0 });

function accumulateUpload(state: UploadState, chunk: datasetsV1.UploadIdxChunk): UploadState {
  if (chunk.header) {
    if (state.header || state.bytes > 0) throw invalidArgument('the header must be sent once, as the first message');
    return { ...state, header: chunk.header };
  }
  const data = chunk.imagesChunk?.length ? chunk.imagesChunk : chunk.labelsChunk;
  if (!data?.length) return state;
  if (!state.header) throw invalidArgument('the first message of the stream must be a header');
  const isImages = Boolean(chunk.imagesChunk?.length);
  const part = isImages ? state.images : state.labels;
  const limit = isImages ? MAX_IDX_BYTES : MAX_LABEL_BYTES;
  const partBytes = part.reduce((sum, b) => sum + b.length, 0) + data.length;
  if (partBytes > limit) {
    throw new DomainError(ErrorCode.ResourceExhausted, `the ${isImages ? 'images' : 'labels'} file exceeds ${limit} bytes`);
  }
  part.push(Buffer.from(data));
  return { ...state, bytes: state.bytes + data.length };
}
