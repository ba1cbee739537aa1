"""How much can filling drops from the past gain, and what limits it? (issue 34's +1 dB over per frame)

usage: python3 temporal_oracle.py PAIRS OUTPUTS MODE K [FLOW]
  PAIRS    a synthetic sequence with truth: PAIRS/rainy, PAIRS/clean, PAIRS/mask (derain synth ... --masks)
  OUTPUTS  derain's per-frame outputs of PAIRS/rainy, same names (./derain run PAIRS/rainy -o OUTPUTS)
  MODE     where the flow comes from: clean (truth: an upper bound), cleanfilled (truth outside the drops,
           interpolated inside them as the operator does), outflow (the per-frame outputs), rainy (the input)
  K        frames of the past to look in, nearest first
  FLOW     dis (default), fb<window> (Farneback), homog (one homography, RANSAC over clear-pixel tracks)

Each drop pixel (the true mask) takes the rainy past at the flow's source where that past pixel was clear (the
true masks again), else the per-frame output stays. Prints mean luminance PSNR per frame and the gain. Research
only: it reads truth the product never has; Debian's python3-opencv and numpy.
"""
import os
import sys

import cv2
import numpy as np


def main():
    pairs, outputs, mode, k_max = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    algo = sys.argv[5] if len(sys.argv) > 5 else 'dis'
    names = sorted(os.listdir(os.path.join(pairs, 'rainy')))
    load = lambda p: cv2.imread(p).astype(np.float32)
    rainy = [load(os.path.join(pairs, 'rainy', n)) for n in names]
    clean = [load(os.path.join(pairs, 'clean', n)) for n in names]
    out = [load(os.path.join(outputs, n)) for n in names]
    masks = [cv2.imread(os.path.join(pairs, 'mask', n), 0) > 127 for n in names]
    flow_source = {'clean': clean, 'cleanfilled': clean, 'outflow': out, 'rainy': rainy}[mode]
    h, w = masks[0].shape
    gx, gy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)

    def flow(a, b, mask):
        if algo == 'dis':
            return dis.calc(a, b, None)
        if algo.startswith('fb'):
            return cv2.calcOpticalFlowFarneback(a, b, None, 0.5, 5, int(algo[2:]), 3, 7, 1.5,
                                                cv2.OPTFLOW_FARNEBACK_GAUSSIAN)
        p0 = cv2.goodFeaturesToTrack(a, 2000, 0.005, 5, mask=(~mask).astype(np.uint8) * 255)
        p1, st, _ = cv2.calcOpticalFlowPyrLK(a, b, p0, None, winSize=(21, 21), maxLevel=4)
        ok = st[:, 0] == 1
        hom, _ = cv2.findHomography(p0[ok], p1[ok], cv2.RANSAC, 2.0)
        pts = np.stack([gx, gy, np.ones_like(gx)], -1) @ hom.T
        return np.stack([pts[..., 0] / pts[..., 2] - gx, pts[..., 1] / pts[..., 2] - gy], -1).astype(np.float32)

    def fill_inside(f, mask, k=41):  # the operator's fill: flow inside drops averaged from the clear flow around
        clear = (~mask).astype(np.float32)
        num = cv2.boxFilter(f * clear[..., None], -1, (k, k), normalize=False)
        den = cv2.boxFilter(clear, -1, (k, k), normalize=False)[..., None]
        filled = f.copy()
        filled[mask] = (num / np.maximum(den, 1e-3))[mask]
        return filled

    luma = lambda x: 0.299 * x[..., 2] + 0.587 * x[..., 1] + 0.114 * x[..., 0]
    psnr = lambda a, c: 10 * np.log10(255 ** 2 / np.mean((luma(a) - luma(c)) ** 2))
    gray = lambda x: cv2.cvtColor(x.astype(np.uint8), cv2.COLOR_BGR2GRAY)
    base, filled = [], []
    for t in range(len(names)):
        result, need = out[t].copy(), masks[t].copy()
        for k in range(1, k_max + 1):
            if t - k < 0 or not need.any():
                break
            f = flow(gray(flow_source[t]), gray(flow_source[t - k]), masks[t])
            if mode != 'clean' and algo != 'homog':
                f = fill_inside(f, masks[t])
            mx, my = gx + f[..., 0], gy + f[..., 1]
            past = cv2.remap(rainy[t - k], mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
            past_drop = cv2.remap(masks[t - k].astype(np.float32), mx, my, cv2.INTER_LINEAR, borderValue=1) > 0.01
            inside = (mx >= 0) & (mx <= w - 1) & (my >= 0) & (my <= h - 1)
            ok = need & ~past_drop & inside
            result[ok] = past[ok]
            need &= ~ok
        base.append(psnr(out[t], clean[t]))
        filled.append(psnr(result, clean[t]))
    print('%s flow (%s), %d frames back: per frame %.2f dB, filled %.2f dB (%+.2f dB)'
          % (mode, algo, k_max, np.mean(base), np.mean(filled), np.mean(filled) - np.mean(base)))


if __name__ == '__main__':
    main()
