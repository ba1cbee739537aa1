"""Writes the weight-file and reference-output fixtures the Java tests compare against.

usage: make_fixtures.py OUTDIR [--recurrent 32] [--steps 4] [--widths 64,128,256] [--seed 1234]
"""
import argparse
import collections
import os
import struct
import zlib
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, '../../main/resources/io/derain/models/reference'))
from attentive_generator import AttentiveGenerator  # noqa: E402
from legacy_save import save_legacy, save_torch_legacy  # noqa: E402


def write_raw(path, tensor):
    tensor.detach().contiguous().numpy().astype('<f4').tofile(path)


def write_png(path, rgb):
    """An 8-bit RGB PNG from an H x W x 3 uint8 array, with the standard library only."""
    h, w, _ = rgb.shape
    raw = b''.join(b'\x00' + rgb[y].tobytes() for y in range(h))
    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)
    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0))
                + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('outdir')
    parser.add_argument('--recurrent', type=int, default=32)
    parser.add_argument('--steps', type=int, default=4)
    parser.add_argument('--widths', default='64,128,256')
    parser.add_argument('--seed', type=int, default=1234)
    args = parser.parse_args()
    widths = tuple(int(w) for w in args.widths.split(','))
    os.makedirs(args.outdir, exist_ok=True)
    out = lambda name: os.path.join(args.outdir, name)
    manifest = []

    torch.manual_seed(args.seed)
    net = AttentiveGenerator(args.recurrent, args.steps, widths).eval()
    with torch.no_grad():
        # PyTorch's default init shrinks activations layer by layer (attention maps vary by ~1%, the side
        # outputs are nearly constant); a scaled He init keeps every output informative for comparisons.
        for module in net.modules():
            if isinstance(module, (torch.nn.Conv2d, torch.nn.ConvTranspose2d)):
                torch.nn.init.kaiming_normal_(module.weight, nonlinearity='relu')
                module.weight.mul_(0.7)
                torch.nn.init.uniform_(module.bias, -0.1, 0.1)
    sd = net.state_dict()
    print('parameters:', sum(t.numel() for t in sd.values()))

    # Every tensor, contiguous float32 LE in state_dict order, and its shape: what every reader must reproduce.
    with open(out('weights.bin'), 'wb') as f:
        for t in sd.values():
            f.write(t.contiguous().numpy().astype('<f4').tobytes())
    with open(out('weights.txt'), 'w') as f:
        for name, t in sd.items():
            f.write(' '.join([name] + [str(d) for d in t.shape]) + '\n')
    manifest += ['weights.bin', 'weights.txt']

    save_torch_legacy(sd, out('gen_legacy_v2.pkl'))
    save_legacy(sd, out('gen_legacy_v1_cuda.pkl'), rebuild='v1', location='cuda:0', pack=True)
    save_legacy(sd, out('gen_legacy_v2_cuda.pkl'), rebuild='v2', location='cuda:0', strided=True)
    torch.save(sd, out('gen_zip.pt'))
    torch.save(dict(sd), out('gen_zip_dict.pt'))
    wrong = collections.OrderedDict(sd)
    shape = list(wrong['conv1.0.weight'].shape)
    shape[1] = 3
    wrong['conv1.0.weight'] = torch.randn(*shape)
    save_torch_legacy(wrong, out('gen_wrong_shape.pkl'))
    torch.jit.save(torch.jit.script(torch.nn.Conv2d(3, 3, 1)), out('scripted.pt'))
    # Element types other than float32, and a view: readers convert floats to float32 and keep integers.
    mixed = collections.OrderedDict([('half', torch.randn(2, 3).half()), ('double', torch.randn(4).double()),
                                     ('steps', torch.arange(5)), ('transposed', torch.randn(3, 4).t())])
    torch.save(mixed, out('mixed_types.pt'))
    save_torch_legacy(mixed, out('mixed_types_legacy.pkl'))
    with open(out('mixed_types.bin'), 'wb') as f:
        for t in mixed.values():
            f.write(t.float().contiguous().numpy().astype('<f4').tobytes())
    manifest += ['gen_legacy_v2.pkl', 'gen_legacy_v1_cuda.pkl', 'gen_legacy_v2_cuda.pkl', 'gen_zip.pt',
                 'gen_zip_dict.pt', 'gen_wrong_shape.pkl', 'scripted.pt',
                 'mixed_types.pt', 'mixed_types_legacy.pkl', 'mixed_types.bin']

    image = torch.rand(1, 3, 24, 32)
    with torch.no_grad():
        masks, frame_quarter, frame_half, result = net(image)
    outputs = [('input.bin', image)] + [('attention%d.bin' % (i + 1), m) for i, m in enumerate(masks)]
    outputs += [('frame_quarter.bin', frame_quarter), ('frame_half.bin', frame_half), ('image.bin', result)]
    for name, t in outputs:
        values = t.numpy()
        if not np.isfinite(values).all() or values.std() < 1e-3 or (values > 0).mean() < 0.05:
            raise SystemExit('degenerate fixture output %s: std %g' % (name, values.std()))
        write_raw(out(name), t)
        manifest.append(' '.join([name] + [str(d) for d in t.shape]))

    # The paper's demo on a picture: cv2.imread's BGR / 255 in, the whole output * 255 clipped and rounded
    # out. `derain run demo_input.png --weights gen_legacy_v2.pkl` must give demo_output.png.
    rgb = (torch.rand(48, 64, 3) * 255).round().to(torch.uint8).numpy()
    bgr = torch.from_numpy(rgb[:, :, ::-1].copy()).permute(2, 0, 1).unsqueeze(0).float() / 255
    with torch.no_grad():
        demo = net(bgr)[3][0].permute(1, 2, 0).numpy()[:, :, ::-1]
    write_png(out('demo_input.png'), rgb)
    write_png(out('demo_output.png'), np.clip(np.round(demo * 255), 0, 255).astype(np.uint8))
    manifest += ['demo_input.png', 'demo_output.png']

    with open(out('manifest.txt'), 'w') as f:
        f.write('\n'.join(manifest) + '\n')


if __name__ == '__main__':
    main()
