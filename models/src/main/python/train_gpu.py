"""Trains an attentive generator on a GPU from samples that `derain train --export-samples` wrote.

The Java trainer (`derain train`) is the reference and runs anywhere; this one exists because a GPU does in
minutes what two CPU cores do in days. It keeps the Java trainer's objective (GeneratorLoss: attention MSE
over the recurrent steps with theta = 0.8, multi-scale MSE with lambda = 0.6, 0.8, 1.0, plus L1), Adam, and
a cosine learning-rate decay to 10 %, here over a time budget rather than a step count. It trains on the
exported samples only, so the weights come from derain's own renders of the clips they were drawn from.

Output: derain checkpoints (the DERAINCK format of DerainCheckpoint.java) with the model's configuration
and the training notes in their metadata; `derain calibrate --weights FILE` then adds the drop threshold.

    python3 train_gpu.py --samples DIR --model 8,2,3,16,32,64 --name lite --residual --minutes 7 -o OUT
    python3 train_gpu.py ... --init OUT-100.ckpt       # go on in a later session from where a run ended
"""
import argparse
import io
import math
import os
import struct
import sys
import time
import zlib

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'resources', 'io', 'derain', 'models', 'reference'))
from attentive_generator import AttentiveGenerator  # noqa: E402

THETA = 0.8
LAMBDAS = (0.6, 0.8, 1.0)
TYPE_CODES = {torch.float32: 1, torch.float16: 3}
CODE_TYPES = {1: (torch.float32, np.float32), 3: (torch.float16, np.float16)}


def load_samples(directory, limit):
    """uint8 tensors N×3×S×S (BGR, as derain's frames) for rainy and clean, N×1×S×S masks of 0 or 1."""
    names = sorted(f[:-4] for f in os.listdir(os.path.join(directory, 'rainy')) if f.endswith('.jpg'))
    if limit:
        names = names[:limit]
    if not names:
        sys.exit(f'{directory}: no samples in rainy/')

    def rgb(path):
        return np.asarray(Image.open(path).convert('RGB'))[:, :, ::-1]

    rainy = np.stack([rgb(os.path.join(directory, 'rainy', n + '.jpg')) for n in names])
    clean = np.stack([rgb(os.path.join(directory, 'clean', n + '.jpg')) for n in names])
    mask = np.stack([np.asarray(Image.open(os.path.join(directory, 'mask', n + '.png')).convert('L')) for n in names])
    to = lambda a: torch.from_numpy(np.ascontiguousarray(a))
    return (to(rainy).permute(0, 3, 1, 2).contiguous(), to(clean).permute(0, 3, 1, 2).contiguous(),
            to((mask > 127).astype(np.uint8))[:, None].contiguous())


def draw(data, batch, crop, generator):
    """A batch of random crops, each mirrored left-right with probability 1/2, as floats in [0, 1]."""
    rainy, clean, mask = data
    n, _, size, _ = rainy.shape
    idx = torch.randint(n, (batch,), generator=generator, device='cpu').to(rainy.device)
    y, x = (int(v) for v in torch.randint(size - crop + 1, (2,), generator=generator))
    out = []
    flip = (torch.rand(batch, generator=generator) < 0.5).to(rainy.device)[:, None, None, None]
    for t in (rainy, clean, mask):
        c = t[idx, :, y:y + crop, x:x + crop]
        c = torch.where(flip, c.flip(3), c)
        out.append(c.float() if t is mask else c.float() / 255.0)
    return out


def loss_terms(out, clean, mask, l1_weight, drop_weight=0.0):
    maps, quarter, half, image = out
    n = len(maps)
    attention = sum(THETA ** (n - t) * F.mse_loss(maps[t - 1].float(), mask) for t in range(1, n + 1))
    multi = (LAMBDAS[0] * F.mse_loss(quarter.float(), F.avg_pool2d(clean, 4, 4))
             + LAMBDAS[1] * F.mse_loss(half.float(), F.avg_pool2d(clean, 2, 2))
             + LAMBDAS[2] * F.mse_loss(image.float(), clean))
    l1 = F.l1_loss(image.float(), clean)
    total = attention + multi + l1_weight * l1
    if drop_weight > 0:  # GeneratorLoss's drop term: L1 over the masked pixels alone
        total = total + drop_weight * ((image.float() - clean).abs() * mask).sum() / (mask.sum() * 3 + 1e-6)
    return total, attention, multi, l1


def write_checkpoint(path, metadata, model, dtype):
    """DerainCheckpoint.write's format: magic, version 1, metadata, tensors, CRC-32 of all before it."""
    buf = io.BytesIO()

    def string(s):
        b = s.encode('utf-8')
        buf.write(struct.pack('<I', len(b)))
        buf.write(b)

    buf.write(b'DERAINCK')
    buf.write(struct.pack('<I', 1))
    buf.write(struct.pack('<I', len(metadata)))
    for k, v in metadata.items():
        string(k)
        string(v)
    state = model.state_dict()
    buf.write(struct.pack('<I', len(state)))
    for name, t in state.items():
        t = t.detach().to('cpu', dtype).contiguous()
        string(name)
        buf.write(struct.pack('<BB', TYPE_CODES[dtype], t.dim()))
        buf.write(struct.pack('<%dq' % t.dim(), *t.shape))
        buf.write(t.numpy().tobytes())
    data = buf.getvalue()
    tmp = path + '.tmp'
    with open(tmp, 'wb') as f:
        f.write(data)
        f.write(struct.pack('<I', zlib.crc32(data) & 0xffffffff))
    os.replace(tmp, path)


def read_checkpoint(path):
    """(metadata, state dict) of a derain checkpoint with float32 or float16 tensors; checks its CRC-32."""
    with open(path, 'rb') as f:
        data = f.read()
    if data[:8] != b'DERAINCK' or struct.unpack_from('<I', data, 8)[0] != 1:
        sys.exit(f'{path}: not a version 1 derain checkpoint')
    if zlib.crc32(data[:-4]) & 0xffffffff != struct.unpack_from('<I', data, len(data) - 4)[0]:
        sys.exit(f'{path}: corrupt (checksum mismatch)')
    pos = 12

    def take(fmt):
        nonlocal pos
        values = struct.unpack_from(fmt, data, pos)
        pos += struct.calcsize(fmt)
        return values

    def string():
        nonlocal pos
        (n,) = take('<I')
        pos += n
        return data[pos - n:pos].decode('utf-8')

    (count,) = take('<I')
    metadata = {string(): string() for _ in range(count)}
    (count,) = take('<I')
    state = {}
    for _ in range(count):
        name = string()
        code, rank = take('<BB')
        shape = take('<%dq' % rank)
        if code not in CODE_TYPES:
            sys.exit(f'{path}: tensor {name} has type code {code}; only float32 and float16 are read here')
        dtype, np_type = CODE_TYPES[code]
        n = int(np.prod(shape)) if rank else 1
        state[name] = torch.from_numpy(np.frombuffer(data, np_type, n, pos).reshape(shape).copy()).float()
        pos += n * np.dtype(np_type).itemsize
    return metadata, state


def model_from_checkpoint(path):
    """The generator a derain checkpoint describes (configuration from its metadata) with its weights."""
    metadata, state = read_checkpoint(path)
    r, b, s = (int(metadata[k]) for k in ('model.recurrentChannels', 'model.residualBlocks', 'model.steps'))
    widths = tuple(int(w) for w in metadata['model.widths'].split(','))
    model = AttentiveGenerator(r, s, widths, b, residual=metadata.get('model.residual') == 'true')
    model.load_state_dict(state)
    return metadata, model


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--samples', required=True, help='directory written by derain train --export-samples')
    p.add_argument('--limit', type=int, default=0, help='use only the first N samples')
    p.add_argument('--model', required=True, help='recurrent,blocks,steps,w1,w2,w3 (lite: 8,2,3,16,32,64)')
    p.add_argument('--name', required=True, help="the model's name in its metadata")
    p.add_argument('--residual', action='store_true', help='residual outputs (GeneratorConfig.residual)')
    p.add_argument('--init', help='start from this derain checkpoint (its configuration must be --model\'s)')
    p.add_argument('--minutes', type=float, required=True, help='training time budget')
    p.add_argument('--batch', type=int, default=32)
    p.add_argument('--crop', type=int, default=224)
    p.add_argument('--lr', type=float, default=5e-4)
    p.add_argument('--l1-weight', type=float, default=1.0)
    p.add_argument('--drop-weight', type=float, default=0.0, help='L1 over the drop mask alone (derain train --drop-weight)')
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--snapshots', default='0.6,1.0', help='fractions of the budget at which to write checkpoints')
    p.add_argument('--dtype', default='float32', choices=('float32', 'float16'), help='checkpoint element type')
    p.add_argument('--notes', default='', help='appended to training.data in the metadata')
    p.add_argument('-o', '--output', required=True, help='checkpoint path prefix: PREFIX-<percent>.ckpt')
    a = p.parse_args()
    if a.crop % 4:
        sys.exit('--crop must be a multiple of 4')
    r, b, s, w1, w2, w3 = (int(v) for v in a.model.split(','))
    device = 'cuda' if torch.cuda.is_available() else 'cpu'
    torch.manual_seed(a.seed)
    torch.backends.cudnn.benchmark = True
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    started = time.time()
    data = tuple(t.to(device) for t in load_samples(a.samples, a.limit))
    print(f'{a.name}: {data[0].shape[0]} samples of {data[0].shape[2]}px loaded in {time.time() - started:.1f} s on {device}',
          flush=True)
    model = AttentiveGenerator(r, s, (w1, w2, w3), b, residual=a.residual).to(device)
    if a.init:
        init_metadata, init_state = read_checkpoint(a.init)
        model.load_state_dict(init_state)
        print(f'{a.name}: initialised from {a.init} (step {init_metadata.get("training.step", "?")})', flush=True)
    elif a.residual:
        # Starts as the identity: the corrections begin at zero, as the Java trainer's zeroOutputs().
        for head in (model.outframe1[0], model.outframe2[0], model.output[0]):
            torch.nn.init.zeros_(head.weight)
            torch.nn.init.zeros_(head.bias)
    params = sum(t.numel() for t in model.parameters())
    optimizer = torch.optim.Adam(model.parameters(), lr=a.lr)
    rng = torch.Generator().manual_seed(a.seed)
    budget = a.minutes * 60
    snapshots = sorted(float(f) for f in a.snapshots.split(','))
    metadata = {'model.name': a.name, 'model.recurrentChannels': str(r), 'model.residualBlocks': str(b),
                'model.steps': str(s), 'model.widths': f'{w1},{w2},{w3}'}
    if a.residual:
        metadata['model.residual'] = 'true'
        metadata['gate.enabled'] = 'false'  # a residual model's whole output is its restoration
    step, t0 = 0, time.time()
    while snapshots:
        progress = (time.time() - t0) / budget
        if progress >= snapshots[0]:
            notes = dict(metadata)
            notes['training.data'] = (f'{data[0].shape[0]} samples of derain train --export-samples '
                                      f'({a.samples}){", " + a.notes if a.notes else ""}')
            notes['training.settings'] = (f'train_gpu.py: {step} steps in {time.time() - t0:.0f} s, batch {a.batch}, '
                                          f'crop {a.crop}, lr {a.lr} cosine to 10 % over {a.minutes} min, '
                                          f'l1 {a.l1_weight}, drop weight {a.drop_weight}, seed {a.seed}, {params} parameters, bf16 autocast on {device}')
            notes['training.step'] = str(step)
            if a.init:
                notes['training.init'] = a.init
            path = f'{a.output}-{round(snapshots[0] * 100)}.ckpt'
            write_checkpoint(path, notes, model, getattr(torch, a.dtype))
            print(f'{a.name}: wrote {path} at step {step}', flush=True)
            snapshots.pop(0)
            continue
        lr = a.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress))))
        for g in optimizer.param_groups:
            g['lr'] = lr
        rainy, clean, mask = draw(data, a.batch, a.crop, rng)
        with torch.autocast(device_type=device, dtype=torch.bfloat16, enabled=device == 'cuda'):
            out = model(rainy)
        total, attention, multi, l1 = loss_terms(out, clean, mask, a.l1_weight, a.drop_weight)
        optimizer.zero_grad(set_to_none=True)
        total.backward()
        optimizer.step()
        step += 1
        if step % 500 == 0:
            print(f'{a.name}: step {step} ({time.time() - t0:.0f} s) lr {lr:.2e} loss {float(total):.5f} '
                  f'attention {float(attention):.5f} multi-scale {float(multi):.5f} l1 {float(l1):.5f}', flush=True)


if __name__ == '__main__':
    main()
