package io.derain.pipeline.cli;

import io.derain.models.SettingsException;
import java.util.Locale;

/** A {@code WxH} option value such as 640x360. */
record FrameSizeOption(int width, int height) {

    /**
     * @param option   the option's name, for the message
     * @param multiple width and height must be multiples of this (1: any)
     */
    static FrameSizeOption parse(String option, String value, int multiple) {
        String[] p = value.toLowerCase(Locale.ROOT).split("x");
        try {
            int w = Integer.parseInt(p[0]), h = Integer.parseInt(p[1]);
            if (p.length == 2 && w >= 16 && h >= 16 && w % multiple == 0 && h % multiple == 0) {
                return new FrameSizeOption(w, h);
            }
        } catch (RuntimeException e) {
            // reported below
        }
        throw new SettingsException(option + ": expected WxH of at least 16x16" + (multiple > 1 ? ", multiples of " + multiple : "")
                + ", such as 640x360; got '" + value + "'");
    }
}
