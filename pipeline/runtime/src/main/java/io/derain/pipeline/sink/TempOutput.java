package io.derain.pipeline.sink;

import io.derain.pipeline.InputException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A sink's output while it is being written: a hidden sibling of the final path (same directory, so the
 * final rename is atomic), renamed into place by {@link #commit()} or deleted by {@link #discard()}.
 * Readers of the final path see the old output or the complete new one, never half of one.
 */
public final class TempOutput {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path target;
    private final Path temp;
    private final boolean directory;
    private final boolean overwrite;
    private boolean done;

    private TempOutput(Path target, Path temp, boolean directory, boolean overwrite) {
        this.target = target;
        this.temp = temp;
        this.directory = directory;
        this.overwrite = overwrite;
    }

    /**
     * Reserves {@code .name.partial-<pid>-<random>.ext} beside {@code target} (the extension tells encoders the
     * format), after removing partials of {@code target} left by processes that no longer run (a SIGKILL or
     * power cut mid-write); a live process's partial is never touched.
     */
    public static TempOutput file(Path target, boolean overwrite) throws IOException {
        checkTarget(target, overwrite, false);
        removeStalePartials(target);
        Path temp = target.resolveSibling(tempName(target, "partial"));
        try {
            Files.createFile(temp); // default permissions (umask), unlike Files.createTempFile's 0600
        } catch (IOException e) {
            throw new InputException(target + ": cannot create a file in " + temp.toAbsolutePath().getParent() + " ("
                    + reason(e) + ")", e);
        }
        return new TempOutput(target, temp, false, overwrite);
    }

    /** Creates an empty hidden directory beside {@code target} to fill (stale partials removed as for files). */
    public static TempOutput directory(Path target, boolean overwrite) throws IOException {
        checkTarget(target, overwrite, true);
        removeStalePartials(target);
        Path temp = target.resolveSibling(tempName(target, "partial"));
        try {
            Files.createDirectory(temp);
        } catch (IOException e) {
            throw new InputException(target + ": cannot create a directory in " + temp.toAbsolutePath().getParent()
                    + " (" + reason(e) + ")", e);
        }
        return new TempOutput(target, temp, true, overwrite);
    }

    /**
     * Checks that {@code target} can be written (its directory exists and is writable; an existing target
     * of the right kind only with {@code overwrite}) without creating anything: for a check before a long
     * start-up such as loading a model.
     */
    public static void checkWritable(Path target, boolean overwrite, boolean directory) {
        checkTarget(target, overwrite, directory);
        // access(2) says yes to root almost everywhere (/proc, /sys, read-only bind mounts): try it for real.
        Path probe = target.resolveSibling(tempName(target, "probe"));
        try {
            Files.createFile(probe);
            Files.delete(probe);
        } catch (IOException e) {
            throw new InputException(target + ": cannot create files in " + probe.toAbsolutePath().getParent() + " (" + reason(e) + ")", e);
        }
    }

    /** Partials of {@code target} whose writer (the pid in the name) is gone: deleted. */
    static void removeStalePartials(Path target) {
        Path dir = target.toAbsolutePath().getParent();
        Pattern mine = partialPattern(target);
        try (Stream<Path> siblings = Files.list(dir)) {
            for (Path p : (Iterable<Path>) siblings::iterator) {
                Matcher m = mine.matcher(p.getFileName().toString());
                if (!m.matches()) continue;
                long pid = Long.parseLong(m.group(1));
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) continue;
                try {
                    deleteRecursively(p);
                } catch (IOException ignored) {
                    // another run may be removing it too
                }
            }
        } catch (IOException | NumberFormatException ignored) {
            // an unlistable directory fails later, at create, with its reason
        }
    }

    private static Pattern partialPattern(Path target) {
        String[] stemExt = stemAndExtension(target);
        return Pattern.compile(Pattern.quote("." + stemExt[0] + ".partial-") + "(\\d{1,10})-[0-9a-f]{12}" + Pattern.quote(stemExt[1]));
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        if (e instanceof java.nio.file.FileSystemException f) return f.getReason() != null ? f.getReason() : "refused by the file system";
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    public Path temp() { return temp; }
    public Path target() { return target; }

    /** Moves the finished output to its final name, replacing an old one only if overwriting was allowed. */
    public void commit() throws IOException {
        if (done) throw new IllegalStateException(target + ": output already committed or discarded");
        if (!overwrite && Files.exists(target) && !isEmptyDirectory(target)) {
            throw new InputException(target + ": appeared while writing; not overwriting it");
        }
        if (directory && Files.isDirectory(target) && !isEmptyDirectory(target)) {
            replaceDirectory();
        } else {
            atomicMove(temp, target);
        }
        done = true;
    }

    /** Deletes whatever was written; safe to call after commit (then it does nothing). */
    public void discard() {
        if (done) return;
        done = true;
        try {
            deleteRecursively(temp);
        } catch (IOException ignored) {
            // best effort: a leftover hidden .partial file is harmless and named as such
        }
    }

    /** rename(2) can't replace a non-empty directory: move the old one aside first, then delete it. */
    private void replaceDirectory() throws IOException {
        Path old = target.resolveSibling(tempName(target, "old"));
        atomicMove(target, old);
        try {
            atomicMove(temp, target);
        } catch (IOException e) {
            atomicMove(old, target); // put the previous output back
            throw e;
        }
        deleteRecursively(old);
    }

    private static void atomicMove(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void checkTarget(Path target, boolean overwrite, boolean directory) {
        Path parent = target.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new InputException(target + ": output directory " + parent + " does not exist");
        }
        if (!Files.isWritable(parent)) {
            throw new InputException(target + ": output directory " + parent + " is not writable");
        }
        if (!Files.exists(target)) return;
        if (!directory && Files.isDirectory(target)) {
            throw new InputException(target + ": is a directory, expected an output file");
        }
        if (directory && !Files.isDirectory(target)) {
            throw new InputException(target + ": exists and is not a directory");
        }
        if (!overwrite && !(directory && isEmptyDirectory(target))) {
            throw new InputException(target + ": already exists (overwriting not allowed)");
        }
    }

    private static String tempName(Path target, String kind) {
        String[] stemExt = stemAndExtension(target);
        byte[] random = new byte[6];
        RANDOM.nextBytes(random);
        return "." + stemExt[0] + "." + kind + "-" + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(random)
                + stemExt[1];
    }

    private static String[] stemAndExtension(Path target) {
        String name = target.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return new String[] {dot > 0 ? name.substring(0, dot) : name, dot > 0 ? name.substring(dot) : ""};
    }

    private static boolean isEmptyDirectory(Path dir) {
        if (!Files.isDirectory(dir)) return false;
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) return;
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) throw e;
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
