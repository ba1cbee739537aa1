package io.derain.pipeline.live;

import java.io.IOException;

/** A live peer stayed connected (or half-connected) but delivered nothing within the stall timeout. */
final class StallException extends IOException {
    StallException(String message) { super(message); }
}
