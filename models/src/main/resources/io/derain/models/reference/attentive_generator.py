"""Reference PyTorch definition of the attentive generator (Qian et al., CVPR 2018).

Written from docs/attentive-generator.md; where the doc is silent it follows the released
DeRaindrop generator. Module names and registration order match the released gen.pkl, so
state_dict() names and order are those of the paper's weights. The widths are parameters so a
smaller "lite" network can be built too; conv10 narrows to widths[0] // 2 (32 in the paper).
The tests' fixtures (models/src/test/python), `derain bench-model --eager` and the GPU trainer
(models/src/main/python/train_gpu.py) run this definition. residual=True is GeneratorConfig's residual
form: each output is a signed correction added to the input average-pooled to its scale.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def _conv(cin, cout, k=3, stride=1, pad=1, dilation=1):
    return nn.Conv2d(cin, cout, k, stride, pad, dilation=dilation)


def _deconv(cin, cout):
    # Transposed conv then a one-pixel reflection pad and a 2x2 stride-1 average: the released net's upsampling.
    return nn.Sequential(nn.ConvTranspose2d(cin, cout, 4, 2, 1), nn.ReflectionPad2d((1, 0, 1, 0)),
                         nn.AvgPool2d(2, stride=1), nn.ReLU())


class AttentiveGenerator(nn.Module):
    def __init__(self, recurrent=32, steps=4, widths=(64, 128, 256), blocks=5, residual=False):
        super().__init__()
        self.residual = residual
        r = recurrent
        w1, w2, w3 = widths
        self.recurrent = r
        self.steps = steps
        self.blocks = blocks
        self.det_conv0 = nn.Sequential(_conv(4, r), nn.ReLU())
        for k in range(1, blocks + 1):
            setattr(self, 'det_conv%d' % k, nn.Sequential(_conv(r, r), nn.ReLU(), _conv(r, r), nn.ReLU()))
        self.conv_i = nn.Sequential(_conv(2 * r, r), nn.Sigmoid())
        self.conv_f = nn.Sequential(_conv(2 * r, r), nn.Sigmoid())
        self.conv_g = nn.Sequential(_conv(2 * r, r), nn.Tanh())
        self.conv_o = nn.Sequential(_conv(2 * r, r), nn.Sigmoid())
        self.det_conv_mask = nn.Sequential(_conv(r, 1))
        self.conv1 = nn.Sequential(_conv(4, w1, 5, 1, 2), nn.ReLU())
        self.conv2 = nn.Sequential(_conv(w1, w2, 3, 2, 1), nn.ReLU())
        self.conv3 = nn.Sequential(_conv(w2, w2), nn.ReLU())
        self.conv4 = nn.Sequential(_conv(w2, w3, 3, 2, 1), nn.ReLU())
        self.conv5 = nn.Sequential(_conv(w3, w3), nn.ReLU())
        self.conv6 = nn.Sequential(_conv(w3, w3), nn.ReLU())
        for k, d in enumerate((2, 4, 8, 16), start=1):
            setattr(self, 'diconv%d' % k, nn.Sequential(_conv(w3, w3, 3, 1, d, d), nn.ReLU()))
        self.conv7 = nn.Sequential(_conv(w3, w3), nn.ReLU())
        self.conv8 = nn.Sequential(_conv(w3, w3), nn.ReLU())
        self.deconv1 = _deconv(w3, w2)
        self.conv9 = nn.Sequential(_conv(w2, w2), nn.ReLU())
        self.deconv2 = _deconv(w2, w1)
        self.conv10 = nn.Sequential(_conv(w1, w1 // 2), nn.ReLU())
        self.outframe1 = nn.Sequential(_conv(w3, 3), nn.ReLU())
        self.outframe2 = nn.Sequential(_conv(w2, 3), nn.ReLU())
        self.output = nn.Sequential(_conv(w1 // 2, 3))

    def forward(self, image):
        n, _, height, width = image.shape
        mask = torch.full((n, 1, height, width), 0.5, dtype=image.dtype, device=image.device)
        h = torch.zeros(n, self.recurrent, height, width, dtype=image.dtype, device=image.device)
        c = torch.zeros_like(h)
        masks = []
        for _ in range(self.steps):
            x = self.det_conv0(torch.cat((image, mask), 1))
            for k in range(1, self.blocks + 1):
                x = F.relu(getattr(self, 'det_conv%d' % k)(x) + x)
            z = torch.cat((x, h), 1)
            i, f = self.conv_i(z), self.conv_f(z)
            g, o = self.conv_g(z), self.conv_o(z)
            c = f * c + i * g
            h = o * torch.tanh(c)
            mask = self.det_conv_mask(h)
            masks.append(mask)
        x = self.conv1(torch.cat((image, mask), 1))
        res1 = x
        x = self.conv3(self.conv2(x))
        res2 = x
        for name in ('conv4', 'conv5', 'conv6', 'diconv1', 'diconv2', 'diconv3', 'diconv4', 'conv7', 'conv8'):
            x = getattr(self, name)(x)
        frame_quarter = self._out(self.outframe1, x, image, 4)
        x = self.conv9(self.deconv1(x) + res2)
        frame_half = self._out(self.outframe2, x, image, 2)
        x = self.conv10(self.deconv2(x) + res1)
        derained = self.output(x) + image if self.residual else self.output(x)
        return masks, frame_quarter, frame_half, derained

    def _out(self, head, x, image, factor):
        if not self.residual:
            return head(x)
        # A signed correction: the head's convolution without its ReLU.
        return head[0](x) + F.avg_pool2d(image, factor, factor)
