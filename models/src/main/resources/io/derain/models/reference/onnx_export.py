"""Exports the attentive generator to ONNX, as `derain bench-model --peer onnxruntime` times it.

usage: onnx_export.py DIR --recurrent R --blocks B --steps S --widths W1,W2,W3

DIR holds what derain wrote for the eager benchmark (weights.txt/.bin, frame.txt); writes DIR/model.onnx taking
a 1x3xHxW float32 frame (BGR in [0, 1], the frame's size fixed) and giving the derained image, exported from the
reference definition by PyTorch's own exporter (tracing: the recurrent steps are unrolled).
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from attentive_generator import AttentiveGenerator  # noqa: E402
from eager_bench import read_weights  # noqa: E402


class Image(torch.nn.Module):
    """The generator's last output only: the derained image."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net(x)[-1]


def main():
    p = argparse.ArgumentParser()
    p.add_argument('dir')
    p.add_argument('--recurrent', type=int, required=True)
    p.add_argument('--blocks', type=int, required=True)
    p.add_argument('--steps', type=int, required=True)
    p.add_argument('--widths', required=True)
    a = p.parse_args()
    widths = tuple(int(w) for w in a.widths.split(','))
    net = AttentiveGenerator(a.recurrent, a.steps, widths, a.blocks).eval()
    net.load_state_dict(read_weights(a.dir))
    with open(os.path.join(a.dir, 'frame.txt')) as f:
        h, w = (int(v) for v in f.read().split())
    x = torch.zeros(1, 3, h, w)
    with torch.no_grad():
        torch.onnx.export(Image(net), x, os.path.join(a.dir, 'model.onnx'), opset_version=13,
                          input_names=['frame'], output_names=['derained'], do_constant_folding=True)
    print('{"torch": "%s", "onnx": "%s"}' % (torch.__version__, os.path.join(a.dir, 'model.onnx')))


if __name__ == '__main__':
    main()
