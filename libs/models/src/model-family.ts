/** Every model family genlab can train. Adding one: see libs/models/README.md. */
export const MODEL_FAMILIES = ['vae', 'made', 'realnvp', 'ddpm', 'dcgan', 'wgan-gp', 'pixelcnn'] as const;

export type ModelFamily = (typeof MODEL_FAMILIES)[number];

export const isModelFamily = (name: string): name is ModelFamily => (MODEL_FAMILIES as readonly string[]).includes(name);
