import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@genlab/errors';
import { familyInfo } from '@genlab/models';
import { chooseMetrics } from './metric-catalog';

const images = { knownDensity: false, hasFeatures: true, hasClassProbabilities: true, hasLabels: true };
const ring8 = { knownDensity: true, hasFeatures: true, hasClassProbabilities: false, hasLabels: false };
const caps = (family: string) => familyInfo(family).capabilities;
const failing = (message: string) => expect.objectContaining({ code: ErrorCode.FailedPrecondition, message: expect.stringContaining(message) });

describe('chooseMetrics', () => {
  it('defaults to every likelihood a model has, and to sample metrics for a GAN', () => {
    expect(chooseMetrics('vae', caps('vae'), images, [])).toEqual(['neg_elbo', 'iwae']);
    expect(chooseMetrics('made', caps('made'), images, [])).toEqual(['test_nll']);
    expect(chooseMetrics('dcgan', caps('dcgan'), images, [])).toEqual(['fid', 'kid', 'inception_score', 'precision', 'recall', 'density', 'coverage']);
    expect(chooseMetrics('dcgan', caps('dcgan'), ring8, [])).toEqual(['fid', 'kid', 'precision', 'recall', 'density', 'coverage', 'high_quality', 'modes', 'true_nll']);
  });

  it('gives explicit models sample metrics and parzen on request', () => {
    expect(chooseMetrics('realnvp', caps('realnvp'), ring8, ['kl', 'fid', 'parzen'])).toEqual(['kl', 'fid', 'parzen']);
  });

  it('answers FAILED_PRECONDITION naming what the model has instead', () => {
    expect(() => chooseMetrics('dcgan', caps('dcgan'), images, ['test_nll'])).toThrow(failing('no likelihood at all; ask for sample metrics instead (parzen, fid'));
    expect(() => chooseMetrics('vae', caps('vae'), images, ['test_nll'])).toThrow(failing('it has neg_elbo (negative ELBO (an upper bound on the NLL)), iwae'));
    expect(() => chooseMetrics('vae', caps('vae'), images, ['kl'])).toThrow(failing('vae models cannot report kl'));
    expect(() => chooseMetrics('realnvp', caps('realnvp'), images, ['modes'])).toThrow(failing('no known density'));
    expect(() => chooseMetrics('dcgan', caps('dcgan'), ring8, ['inception_score'])).toThrow(failing('no class probabilities'));
    expect(() => chooseMetrics('dcgan', caps('dcgan'), { ...images, hasFeatures: false, hasClassProbabilities: false }, ['fid'])).toThrow(failing('feature_model_path'));
  });

  it('offers classification and latent-structure kinds where the model and labels allow', () => {
    expect(chooseMetrics('vae', caps('vae'), images, ['generative_classifier', 'linear_probe', 'latent_projection'])).toEqual([
      'generative_classifier',
      'linear_probe',
      'latent_projection',
    ]);
    expect(() => chooseMetrics('dcgan', caps('dcgan'), images, ['generative_classifier'])).toThrow(failing('dcgan models cannot report generative_classifier'));
    expect(() => chooseMetrics('made', caps('made'), images, ['generative_classifier'])).toThrow(failing('not class-conditional'));
    expect(() => chooseMetrics('vae', caps('vae'), ring8, ['linear_probe'])).toThrow(failing('the dataset has no labels'));
  });

  it('refuses unknown metric names with INVALID_ARGUMENT listing the known ones', () => {
    expect(() => chooseMetrics('vae', caps('vae'), images, ['fud'])).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidArgument, message: expect.stringContaining("unknown metric 'fud'; known: test_nll, neg_elbo, iwae, parzen, fid") }),
    );
  });
});
