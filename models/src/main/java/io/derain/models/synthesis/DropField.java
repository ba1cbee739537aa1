package io.derain.models.synthesis;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The drops on the glass and how they evolve, stepped once per video frame: drops land (keeping the
 * covered fraction near {@link RainSettings#coverage()}), grow slowly, merge when they touch, and once
 * heavy enough run down the glass, sweeping up drops in their way and leaving a trail of small residue
 * drops, until they leave the frame.
 *
 * <p>Everything is drawn from one {@link SplittableRandom} seeded from the seed and the frame size, so the
 * same seed and the same sequence of frame sizes give the same drops. A new frame size restarts the field;
 * a (re)started field is already in its steady state, so the first frame is as rainy as the later ones.
 */
public final class DropField {
    /** Steps simulated on a restart so that trails, merged and running drops exist from the first frame. */
    private static final int WARMUP_STEPS = 120;
    /** Power-law exponent of the landing radius distribution (many small drops, few large ones). */
    private static final double SIZE_EXPONENT = 2.6;
    /** Lobes of touching drops merge when their circles overlap by this fraction of the radii. */
    private static final double MERGE_REACH = 0.9;

    private final RainSettings settings;
    private final long seed;
    private final List<Drop> drops = new ArrayList<>();
    private final List<Drop> born = new ArrayList<>();
    private final List<Drop> readOnly = Collections.unmodifiableList(drops);
    private SplittableRandom random;
    // Reused scratch for merging.
    private boolean[] dead = new boolean[0];
    private double[] left = new double[0];
    private double[] right = new double[0];
    private double[] reachY = new double[0];
    private long[] order = new long[0];
    private int width;
    private int height;
    private long frame;

    public DropField(RainSettings settings, long seed) {
        this.settings = settings;
        this.seed = seed;
    }

    public RainSettings settings() { return settings; }
    public int width() { return width; }
    public int height() { return height; }
    /** Frames stepped since the last (re)start. */
    public long frame() { return frame; }
    /** The live drops; a view that changes with every step. */
    public List<Drop> drops() { return readOnly; }

    /** Advances the field by one frame of the given size; a size other than the last one restarts it. */
    public void step(int frameWidth, int frameHeight) {
        if (frameWidth <= 0 || frameHeight <= 0) throw new IllegalArgumentException("empty frame");
        if (frameWidth != width || frameHeight != height) {
            restart(frameWidth, frameHeight);
        } else {
            advance();
            frame++;
        }
    }

    /** Fraction of the frame the drops cover, counting each drop as a disc of its radius (overlaps ignored). */
    public double coverageEstimate() {
        if (width == 0) return 0;
        double area = 0;
        for (Drop d : drops) {
            double r = d.radius();
            area += Math.PI * r * r * d.aspect();
        }
        return area / ((double) width * height);
    }

    private void restart(int w, int h) {
        width = w;
        height = h;
        frame = 0;
        drops.clear();
        random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + ((long) w << 32 | h));
        // The estimate summed as drops land (it is what coverageEstimate() sums, in the same order): recomputing
        // it per drop made a dense field of small drops quadratic in its drop count.
        double area = 0, frameArea = (double) w * h;
        while (area / frameArea < settings.coverage()) {
            Drop d = spawn(randomRadius());
            double r = d.radius();
            area += Math.PI * r * r * d.aspect();
        }
        for (int i = 0; i < WARMUP_STEPS; i++) advance();
    }

    private void advance() {
        landNewDrops();
        for (Drop d : drops) {
            evolve(d);
        }
        drops.addAll(born);
        born.clear();
        mergeTouching();
        drops.removeIf(this::isGone);
    }

    private void landNewDrops() {
        double target = settings.coverage();
        double meanArea = Math.PI * meanSquaredRadius();
        double steadyCount = target * width * height / meanArea;
        double deficit = Math.max(0, target - coverageEstimate()) * width * height / meanArea;
        double expected = coverageEstimate() > 1.1 * target ? 0 : settings.rainRate() * steadyCount + 0.1 * deficit;
        int n = poisson(expected);
        for (int i = 0; i < n; i++) spawn(randomRadius());
    }

    private void evolve(Drop d) {
        double slideR = settings.slideRadius() * height;
        double r = d.radius();
        d.relax(0.03);
        if (!d.isSliding()) {
            double g = 1 + settings.growthPerFrame();
            d.scaleVolume(g * g * g);
            d.setAspect(d.aspect() + (1.0 - d.aspect()) * 0.01);
            if (r > slideR) d.setSliding(true);
        } else if (r < 0.7 * slideR) {
            d.setSliding(false);
            d.setVelocity(0, 0);
        }
        if (d.isSliding()) slide(d, r, slideR);
        double minR = settings.minRadius() * height;
        if (r < minR) d.scaleVolume(0.985); // residue evaporates
    }

    /** Runs a heavy drop down the glass with a wandering sideways motion, shedding residue drops. */
    private void slide(Drop d, double r, double slideR) {
        double speedTarget = settings.slideSpeed() * height * clamp((r / slideR - 0.6) / 1.4, 0.15, 2.0);
        double vy = d.vy() + (speedTarget - d.vy()) * 0.2;
        double vx = 0.9 * d.vx() + random.nextGaussian() * 0.08 * vy;
        d.setVelocity(vx, vy);
        d.moveBy(vx, vy);
        d.setAspect(d.aspect() + (1.2 - d.aspect()) * 0.1);
        double travelled = d.travelled() + Math.hypot(vx, vy);
        if (travelled > 0.8 * r) {
            double rr = r * (0.25 + 0.15 * random.nextDouble());
            Drop residue = new Drop(d.look(), d.x() + random.nextGaussian() * 0.15 * r, d.y() - 1.3 * r,
                    rr, d.thickness() * 0.8, 1.0);
            born.add(residue);
            d.scaleVolume(1 - (rr * rr * rr) / (r * r * r));
            travelled = 0;
        }
        d.setTravelled(travelled);
    }

    /**
     * Merges touching drops of the same look, the heavier one absorbing the other. Sweep and prune along x
     * (drops sorted by their left edge) keeps this near linear in the drop count.
     */
    private void mergeTouching() {
        int n = drops.size();
        ensureScratch(n);
        for (int i = 0; i < n; i++) {
            Drop d = drops.get(i);
            double e = d.extent();
            left[i] = d.x() - e;
            right[i] = d.x() + e;
            reachY[i] = e;
            dead[i] = false;
            // Sortable key: left edge in 1/16 px (offset to stay positive), then the index.
            order[i] = ((long) ((left[i] + (1 << 20)) * 16) << 20) | i;
        }
        java.util.Arrays.sort(order, 0, n);
        boolean any = false;
        for (int oi = 0; oi < n; oi++) {
            int i = (int) (order[oi] & 0xFFFFF);
            if (dead[i]) continue;
            for (int oj = oi + 1; oj < n; oj++) {
                int j = (int) (order[oj] & 0xFFFFF);
                if (left[j] > right[i]) break;
                if (dead[j]) continue;
                Drop a = drops.get(i), b = drops.get(j);
                // Far apart vertically: cannot touch (lobes lie within the extents; the reach scaled by an aspect
                // of at most 1.3 is below 2.2 extents). Skips most pairs of a dense field of small drops.
                if (Math.abs(a.y() - b.y()) > 2.2 * (reachY[i] + reachY[j])) continue;
                if (a.look() != b.look() || !touching(a, b)) continue;
                any = true;
                if (b.volume() > a.volume()) {
                    b.absorb(a);
                    dead[i] = true;
                    break;
                }
                a.absorb(b);
                dead[j] = true;
            }
        }
        if (!any) return;
        int k = 0;
        for (int i = 0; i < n; i++) if (!dead[i]) drops.set(k++, drops.get(i));
        drops.subList(k, n).clear();
    }

    private void ensureScratch(int n) {
        if (dead.length >= n) return;
        int size = Math.max(n, dead.length * 2);
        dead = new boolean[size];
        left = new double[size];
        right = new double[size];
        reachY = new double[size];
        order = new long[size];
    }

    private static boolean touching(Drop a, Drop b) {
        for (int i = 0; i < a.lobeCount(); i++) {
            double ax = a.x() + a.lobeX(i), ay = a.y() + a.lobeY(i);
            for (int j = 0; j < b.lobeCount(); j++) {
                double dx = b.x() + b.lobeX(j) - ax, dy = (b.y() + b.lobeY(j) - ay) / a.aspect();
                double reach = MERGE_REACH * (a.lobeRadius(i) + b.lobeRadius(j));
                if (dx * dx + dy * dy < reach * reach) return true;
            }
        }
        return false;
    }

    private boolean isGone(Drop d) {
        double e = d.extent() * 1.3;
        return d.y() - e > height || d.x() + e < 0 || d.x() - e > width
                || d.radius() < 0.5 * settings.minRadius() * height;
    }

    private Drop spawn(double r) {
        RainStyle look = settings.style() == RainStyle.MIXED
                ? (random.nextBoolean() ? RainStyle.LENS : RainStyle.WINDSHIELD)
                : settings.style();
        double x = random.nextDouble(-r, width + r);
        double y = random.nextDouble(-r, height + r);
        double thickness = 0.75 + 0.5 * random.nextDouble();
        Drop d = new Drop(look, x, y, r, thickness, 0.85 + 0.3 * random.nextDouble());
        // Irregular outlines: a few smaller lobes around the first, then back to the drawn volume.
        int extra = random.nextInt(10) < 5 ? 0 : 1 + random.nextInt(2);
        for (int i = 0; i < extra; i++) {
            double angle = random.nextDouble(2 * Math.PI);
            double dist = r * (0.3 + 0.35 * random.nextDouble());
            d.addLobe(dist * Math.cos(angle), dist * Math.sin(angle), r * (0.45 + 0.35 * random.nextDouble()));
        }
        d.scaleVolume(r * r * r / d.volume());
        drops.add(d);
        return d;
    }

    private double randomRadius() {
        double lo = settings.minRadius() * height, hi = settings.maxRadius() * height;
        double e = 1 - SIZE_EXPONENT;
        double u = random.nextDouble();
        return Math.pow(Math.pow(lo, e) + u * (Math.pow(hi, e) - Math.pow(lo, e)), 1 / e);
    }

    /** E[r^2] of the landing radius distribution, in pixels squared. */
    private double meanSquaredRadius() {
        double lo = settings.minRadius() * height, hi = settings.maxRadius() * height;
        if (hi - lo < 1e-9) return lo * lo;
        double a = SIZE_EXPONENT;
        double norm = (Math.pow(hi, 1 - a) - Math.pow(lo, 1 - a)) / (1 - a);
        double m2 = (Math.pow(hi, 3 - a) - Math.pow(lo, 3 - a)) / (3 - a);
        return m2 / norm;
    }

    private int poisson(double mean) {
        if (mean <= 0) return 0;
        double limit = Math.exp(-mean), p = 1;
        int k = 0;
        do {
            k++;
            p *= random.nextDouble();
        } while (p > limit && k < 10_000);
        return k - 1;
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
