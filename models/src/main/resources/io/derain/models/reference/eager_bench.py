"""Times the attentive generator in PyTorch eager mode, as `derain bench-model --eager` compares it.

usage: eager_bench.py DIR --recurrent R --blocks B --steps S --widths W1,W2,W3 --threads T --frames N

DIR holds what derain wrote: weights.txt (name and shape per line) with weights.bin (those tensors,
float32 little-endian, in that order) and frame.txt (H W) with frame.bin (H×W×3 BGR bytes). Prints one
JSON object: seconds per frame (after one warm-up pass) and the process's peak resident memory; writes the
derained image to eager_image.bin (N×3×H×W float32 little-endian) for derain to compare with its own.
"""
import argparse
import json
import os
import resource
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from attentive_generator import AttentiveGenerator  # noqa: E402


def read_weights(folder):
    raw = np.fromfile(os.path.join(folder, 'weights.bin'), dtype='<f4')
    state, offset = {}, 0
    with open(os.path.join(folder, 'weights.txt')) as f:
        for line in f:
            name, *dims = line.split()
            shape = [int(d) for d in dims]
            count = int(np.prod(shape))
            state[name] = torch.from_numpy(raw[offset:offset + count].copy()).reshape(shape)
            offset += count
    if offset != raw.size:
        raise SystemExit('weights.bin holds %d floats, weights.txt describes %d' % (raw.size, offset))
    return state


def main():
    p = argparse.ArgumentParser()
    p.add_argument('dir')
    p.add_argument('--recurrent', type=int, required=True)
    p.add_argument('--blocks', type=int, required=True)
    p.add_argument('--steps', type=int, required=True)
    p.add_argument('--widths', required=True)
    p.add_argument('--threads', type=int, required=True)
    p.add_argument('--frames', type=int, required=True)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    widths = tuple(int(w) for w in a.widths.split(','))
    net = AttentiveGenerator(a.recurrent, a.steps, widths, a.blocks).eval()
    net.load_state_dict(read_weights(a.dir))
    with open(os.path.join(a.dir, 'frame.txt')) as f:
        h, w = (int(v) for v in f.read().split())
    frame = np.fromfile(os.path.join(a.dir, 'frame.bin'), dtype=np.uint8).reshape(h, w, 3)
    x = torch.from_numpy(frame.copy()).permute(2, 0, 1).unsqueeze(0).float().div(255)
    with torch.no_grad():
        net(x)  # warm-up: oneDNN primitives and allocator pools
        start = time.perf_counter()
        for _ in range(a.frames):
            out = net(x)[-1]
        seconds = (time.perf_counter() - start) / a.frames
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    out.contiguous().numpy().astype('<f4').tofile(os.path.join(a.dir, 'eager_image.bin'))
    print(json.dumps({'torch': torch.__version__, 'seconds_per_frame': seconds, 'peak_rss_bytes': peak}))


if __name__ == '__main__':
    main()
