export type { IdxData, IdxDtype, IdxTensor } from './idx/idx.types';
export { parseIdx, type IdxExpectation, type ParseIdxOptions } from './idx/idx.reader';
export { encodeIdx } from './idx/idx.writer';
export { DEFAULT_MAX_BYTES, gunzipIfNeeded, isGzip } from './io/bounded-gunzip.util';
export { crc32 } from './io/crc32.util';

export { exampleSize, type TensorDataset } from './dataset/tensor-dataset.types';
export { validateTensorDataset } from './dataset/tensor-dataset.validator';
export { readIdxImageDataset, type ReadIdxImageDatasetOptions } from './dataset/idx-image-dataset.reader';
export { loadIdxImageDataset } from './dataset/idx-image-dataset.loader';
export { classCounts, datasetStats, type DatasetStats } from './dataset/dataset.stats';
export { decodeDataset, encodeDataset, GLDS_MAGIC, GLDS_VERSION } from './dataset/dataset.codec';
export { sliceDataset, splitDataset } from './dataset/dataset.split';
export { binarize, binarizeDataset } from './dataset/binarize.transform';
export { createEpochShuffler, type EpochShuffler, type EpochShufflerOptions } from './dataset/epoch.shuffler';
export { gatherBatch, type Batch } from './dataset/batch.gather';
export { DATA_EFFICIENCY_SIZES, dataEfficiencySubsets, takeLabelledSubset, type LabelledSubset } from './dataset/labelled-subsets';
export { MNIST_10K, MNIST_TEST_FILES } from './mnist/mnist.constants';

export { createRng, deriveSeed, type SeededRng } from './random/seeded.rng';
export {
  mixtureLogDensity,
  sampleMixture,
  type GaussianMixture2d,
  type Points2d,
} from './synthetic/gaussian-mixture.model';
export { grid25, ring8, type SyntheticMixtureDataset } from './synthetic/mixture.datasets';

export type { RasterImage } from './png/png.types';
export { encodePng } from './png/png.encoder';
export { decodePng, peekPngHeader, type DecodePngOptions } from './png/png.decoder';
export { imageGrid, tileImages, type ImageGridOptions } from './png/image-grid.render';
export { autoRange, renderScatterPlot, scatterPlotPng, type PlotRange, type ScatterPlotOptions } from './png/scatter-plot.render';
export { renderExamplesPng } from './png/examples-picture';

export { readImageArchive, ARCHIVE_ORDER_SEED, type ImageArchiveDataset, type ReadImageArchiveOptions } from './archive/image-archive.reader';
export { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from './archive/archive-limits';
export type { ArchiveFormat } from './archive/archive-source';
