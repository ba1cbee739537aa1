package io.derain.models.runtime;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.global.torch;

/**
 * Loads libtorch's native libraries once per JVM.
 *
 * <p>JavaCPP unpacks native libraries one at a time; if a system libtorch (Debian's python3-torch) is
 * installed, the dynamic linker can pick it up half-way and the first JVM crashes. Unpacking the whole
 * platform folder into the cache before the first load avoids that.
 */
public final class Natives {
    private static volatile boolean loaded;

    private Natives() {}

    public static void ensureLoaded() {
        if (loaded) return;
        synchronized (Natives.class) {
            if (loaded) return;
            try {
                Loader.cacheResources("/org/bytedeco/pytorch/" + Loader.getPlatform() + "/");
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot unpack libtorch natives: " + e.getMessage(), e);
            }
            Loader.load(torch.class);
            loaded = true;
        }
    }
}
