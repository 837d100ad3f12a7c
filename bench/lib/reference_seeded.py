#!/usr/bin/env python3
"""The made and realnvp-ring8 workloads of ../shared/bench/reference_pytorch.py with another seed.

reference_pytorch.py always seeds 0. This runs the same workload through its own classes and
helpers, in the same order (timing steps on the model that is then trained, the same data
generator), with `--seed S` in place of 0: S seeds torch, the data generator and MADE's
hidden degrees. `--seed 0` reproduces reference_pytorch.py's figure exactly. Prints one
JSON object in reference_pytorch.py's format, plus the seed.

    /usr/bin/python3 bench/lib/reference_seeded.py --workload realnvp-ring8 --seed 3 [--quick]
"""
import argparse, json, os, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'shared', 'bench'))
import reference_pytorch as ref  # noqa: E402
import torch  # noqa: E402


def run(name, seed, quick):
    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    if name == 'made':
        train, test = ref.mnist_split()
        train, test = (train > 0.5).float(), (test > 0.5).float()
        model = ref.MADE(seed=seed)
        opt = torch.optim.Adam(model.parameters(), 1e-3)

        def step(xb=train[:128]):
            loss = model.nll(xb)
            opt.zero_grad(); loss.backward(); opt.step()

        ms = ref.time_steps(step, 5, 50)
        epochs = 2 if quick else 20
        for _ in range(epochs):
            for xb in ref.batches(train, 128, gen):
                step(xb)
        with torch.no_grad():
            nll = model.nll(test).item()
        return dict(ms_per_step=ms, epochs=epochs, test_nll_nats=nll, estimator='exact')
    if name == 'realnvp-ring8':
        model = ref.RealNVP()
        opt = torch.optim.Adam(model.parameters(), 1e-3)
        steps = 200 if quick else 3000

        def step():
            loss = -model.log_prob(ref.ring8(512, gen)).mean()
            opt.zero_grad(); loss.backward(); opt.step()

        ms = ref.time_steps(step, 5, 50)
        for _ in range(steps):
            step()
        with torch.no_grad():
            x = ref.ring8(20000, gen)
            log_q = model.log_prob(x)
            kl = (ref.ring8_logpdf(x) - log_q).mean().item()
            nll = -log_q.mean().item()
        return dict(ms_per_step=ms, train_steps=steps, test_nll_nats=nll, kl_true_to_model_nats=kl)
    raise SystemExit(f'unknown workload {name} (made or realnvp-ring8)')


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--workload', required=True)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--quick', action='store_true')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    r = run(a.workload, a.seed, a.quick)
    print(json.dumps(dict(workload=a.workload, impl=f'pytorch-{torch.__version__}', threads=a.threads, seed=a.seed, **r)), flush=True)


if __name__ == '__main__':
    main()
