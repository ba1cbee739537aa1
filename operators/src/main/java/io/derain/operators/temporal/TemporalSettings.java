package io.derain.operators.temporal;

import io.derain.models.SettingsException;

/**
 * How the causal temporal mode works ({@link TemporalOperator}).
 *
 * @param workHeight      height optical flow is computed at (at most the frame's): 360 lines, full size for 640×360,
 *                        cost ~25 ms more than 180 on 2 cores, but a warp misaligned by a fraction of a pixel
 *                        blurs every edge the past is blended into
 * @param fillKernel      side, in work pixels, of the box over which flow inside drops is averaged from the clear
 *                        flow around them
 * @param mapDecay        per-frame factor a drop's attention keeps once the network stops seeing it (0: no
 *                        memory, the map as each frame's; drops on glass persist, so 0.8 keeps a drop over a
 *                        missed frame without smearing one that ran off)
 * @param agreementLevels grey levels (0..255) of disagreement between the warped previous output and this
 *                        frame around a drop, beyond the noise a good warp shows, at which the previous frame is
 *                        no longer trusted at all (moving objects, flow failures)
 * @param pastDropWeight  share of the warped previous output a drop pixel takes where that output was itself a
 *                        drop, not clear (scaled by agreement as a clear past is): the network's guesses under a drop
 *                        the scene never shows clear (a drop over the sky) averaged over frames instead of blinking
 * @param clearBlend      share of the warped previous output a clear pixel (clear in the past too) takes where
 *                        the warp agrees with this frame: a recursive filter along the flow against codec noise and
 *                        the network's wobble (0: clear pixels as the model gives them)
 * @param clearAgreementLevels grey levels of disagreement in a small box around a clear pixel at which the
 *                        blend stops (a passing object, a flow failure)
 * @param clearPixelLevels levels of difference in any colour channel at the pixel itself at which the blend stops
 * @param cutLevel        mean disagreement over clear pixels above which the frame is a cut: nothing carried over
 * @param maxGapMicros    a gap in timestamps longer than this (a reconnect) starts afresh; a live camera shed to
 *                        what a CPU keeps up with (1–3 fps) leaves gaps of up to a second that are no reconnect
 * @param glass           whether drops are also found by what stays put on the glass while the scene moves
 *                        ({@link GlassLayer}), beside the network's map
 */
public record TemporalSettings(int workHeight, int fillKernel, double mapDecay, double agreementLevels,
                               double pastDropWeight, double clearBlend,
                               double clearAgreementLevels, double clearPixelLevels, double cutLevel, long maxGapMicros,
                               boolean glass) {

    public TemporalSettings {
        if (workHeight < 16) throw new SettingsException("temporal work height must be at least 16: " + workHeight);
        if (fillKernel < 3) throw new SettingsException("temporal fill kernel must be at least 3: " + fillKernel);
        if (!(mapDecay >= 0 && mapDecay < 1)) throw new SettingsException("map decay must be in [0, 1): " + mapDecay);
        if (!(pastDropWeight >= 0 && pastDropWeight < 1)) {
            throw new SettingsException("past drop weight must be in [0, 1): " + pastDropWeight);
        }
        if (!(clearBlend >= 0 && clearBlend < 1)) throw new SettingsException("clear blend must be in [0, 1): " + clearBlend);
        if (!(agreementLevels > 0) || !(clearAgreementLevels > 0) || !(clearPixelLevels > 0) || !(cutLevel > 0) || maxGapMicros <= 0) {
            throw new SettingsException("temporal thresholds must be positive");
        }
    }

    public static TemporalSettings defaults() {
        return new TemporalSettings(360, 41, 0.8, 8, 0.5, 0.9, 16, 32, 40, 2_000_000, true);
    }

    /** The same with the glass layer on or off. */
    public TemporalSettings withGlass(boolean on) {
        return new TemporalSettings(workHeight, fillKernel, mapDecay, agreementLevels, pastDropWeight, clearBlend,
                clearAgreementLevels, clearPixelLevels, cutLevel, maxGapMicros, on);
    }
}
