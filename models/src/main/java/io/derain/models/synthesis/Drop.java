package io.derain.models.synthesis;

/**
 * One drop on the glass: a small metaball cluster of up to {@link #MAX_LOBES} round lobes. One lobe makes a
 * round drop, a few offset lobes an irregular one; merged drops keep their lobes, which then slowly pull
 * together so the merged drop rounds off. Positions and radii are in pixels; a lobe's radius is the radius
 * it would show on its own.
 */
public final class Drop {
    static final int MAX_LOBES = 4;

    private final RainStyle look;
    private final double thickness;
    private double x;
    private double y;
    private double aspect;
    private final double[] lobeX = new double[MAX_LOBES];
    private final double[] lobeY = new double[MAX_LOBES];
    private final double[] lobeR = new double[MAX_LOBES];
    private int lobes;
    private boolean sliding;
    private double vx;
    private double vy;
    private double travelled;

    /**
     * @param look      {@link RainStyle#LENS}, {@link RainStyle#WINDSHIELD} or {@link RainStyle#OPTICAL}
     * @param thickness relative dome height (about 1); thicker drops bend light more
     * @param aspect    vertical over horizontal extent of the lobes
     */
    Drop(RainStyle look, double x, double y, double radius, double thickness, double aspect) {
        if (look == RainStyle.MIXED) throw new IllegalArgumentException("a drop has a single look");
        this.look = look;
        this.x = x;
        this.y = y;
        this.thickness = thickness;
        this.aspect = aspect;
        addLobe(0, 0, radius);
    }

    public RainStyle look() { return look; }
    public double x() { return x; }
    public double y() { return y; }
    public double thickness() { return thickness; }
    public double aspect() { return aspect; }
    public boolean isSliding() { return sliding; }
    public int lobeCount() { return lobes; }
    public double lobeX(int i) { return lobeX[i]; }
    public double lobeY(int i) { return lobeY[i]; }
    public double lobeRadius(int i) { return lobeR[i]; }

    /** Radius of a round drop holding the same water. */
    public double radius() {
        return Math.cbrt(volume());
    }

    /** Water volume in units of a unit-radius drop (cube of the radius). */
    double volume() {
        double v = 0;
        for (int i = 0; i < lobes; i++) v += lobeR[i] * lobeR[i] * lobeR[i];
        return v;
    }

    /** Radius of a circle around the centre that holds every lobe (ignoring the aspect). */
    public double extent() {
        double e = 0;
        for (int i = 0; i < lobes; i++) e = Math.max(e, Math.hypot(lobeX[i], lobeY[i]) + lobeR[i]);
        return e;
    }

    void addLobe(double dx, double dy, double r) {
        if (lobes == MAX_LOBES) fuseClosestLobes();
        lobeX[lobes] = dx;
        lobeY[lobes] = dy;
        lobeR[lobes] = r;
        lobes++;
    }

    /** Keeps the lobe count bounded: the two closest lobes become one holding their water. */
    private void fuseClosestLobes() {
        int a = 0, b = 1;
        double best = Double.MAX_VALUE;
        for (int i = 0; i < lobes; i++) {
            for (int j = i + 1; j < lobes; j++) {
                double d = Math.hypot(lobeX[i] - lobeX[j], lobeY[i] - lobeY[j]) - lobeR[i] - lobeR[j];
                if (d < best) { best = d; a = i; b = j; }
            }
        }
        double va = cube(lobeR[a]), vb = cube(lobeR[b]), v = va + vb;
        lobeX[a] = (lobeX[a] * va + lobeX[b] * vb) / v;
        lobeY[a] = (lobeY[a] * va + lobeY[b] * vb) / v;
        lobeR[a] = Math.cbrt(v);
        removeLobe(b);
    }

    private void removeLobe(int i) {
        lobes--;
        lobeX[i] = lobeX[lobes];
        lobeY[i] = lobeY[lobes];
        lobeR[i] = lobeR[lobes];
    }

    /** Takes in another drop's water and lobes; the centre moves to the common centre of mass. */
    void absorb(Drop other) {
        double v1 = volume(), v2 = other.volume(), v = v1 + v2;
        double nx = (x * v1 + other.x * v2) / v;
        double ny = (y * v1 + other.y * v2) / v;
        for (int i = 0; i < lobes; i++) {
            lobeX[i] += x - nx;
            lobeY[i] += y - ny;
        }
        for (int i = 0; i < other.lobes; i++) {
            addLobe(other.lobeX[i] + other.x - nx, other.lobeY[i] + other.y - ny, other.lobeR[i]);
        }
        vx = (vx * v1 + other.vx * v2) / v;
        vy = (vy * v1 + other.vy * v2) / v;
        sliding |= other.sliding;
        x = nx;
        y = ny;
    }

    /** Surface tension pulls lobes towards the centre; once they overlap enough they become one lobe. */
    void relax(double rate) {
        for (int i = 0; i < lobes; i++) {
            lobeX[i] *= 1 - rate;
            lobeY[i] *= 1 - rate;
        }
        for (int i = 0; i < lobes; i++) {
            for (int j = i + 1; j < lobes; j++) {
                double d = Math.hypot(lobeX[i] - lobeX[j], lobeY[i] - lobeY[j]);
                if (d < 0.25 * Math.min(lobeR[i], lobeR[j])) {
                    fusePair(i, j);
                    return;
                }
            }
        }
    }

    private void fusePair(int a, int b) {
        double va = cube(lobeR[a]), vb = cube(lobeR[b]), v = va + vb;
        lobeX[a] = (lobeX[a] * va + lobeX[b] * vb) / v;
        lobeY[a] = (lobeY[a] * va + lobeY[b] * vb) / v;
        lobeR[a] = Math.cbrt(v);
        removeLobe(b);
    }

    /** Scales the water volume by {@code factor} keeping the shape. */
    void scaleVolume(double factor) {
        double f = Math.cbrt(factor);
        for (int i = 0; i < lobes; i++) {
            lobeR[i] *= f;
        }
    }

    void moveBy(double dx, double dy) {
        x += dx;
        y += dy;
    }

    void setAspect(double aspect) { this.aspect = aspect; }
    void setSliding(boolean sliding) { this.sliding = sliding; }
    double vx() { return vx; }
    double vy() { return vy; }
    void setVelocity(double vx, double vy) { this.vx = vx; this.vy = vy; }
    double travelled() { return travelled; }
    void setTravelled(double travelled) { this.travelled = travelled; }

    private static double cube(double r) { return r * r * r; }
}
