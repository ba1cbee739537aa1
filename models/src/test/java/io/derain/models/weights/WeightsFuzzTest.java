package io.derain.models.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weights files damaged at many points (the legacy format and the zip format: cut at 20 points, zeroed
 * regions, byte flips in the header and anywhere) and hostile pickles. The contract for each: a one-line
 * {@link WeightsException} naming the file, or (damage inside tensor bytes, which neither format checks) a
 * load; never another exception, never a Python global called.
 */
class WeightsFuzzTest {
    @TempDir
    Path dir;

    private final List<String> violations = new ArrayList<>();
    private int cases, errors, loads;

    @Test
    void everyDamagedWeightsFileIsAnErrorOrLoads() throws Exception {
        Random random = new Random(16);
        for (String fixture : new String[] {"gen_legacy_v2.pkl", "gen_zip.pt"}) {
            byte[] good = Files.readAllBytes(PythonFixtures.file(fixture));
            String stem = fixture.substring(0, fixture.indexOf('.')), ext = fixture.substring(fixture.indexOf('.'));
            for (int i = 0; i < 20; i++) {
                int at = i == 0 ? 1 : (int) (good.length * (i * 4.99 / 100));
                check(stem + "-cut" + i + ext, Arrays.copyOf(good, at), true);
            }
            for (int i = 0; i < 6; i++) {
                byte[] b = good.clone();
                for (int k = 0; k < 2; k++) b[random.nextInt(Math.min(512, b.length))] ^= (byte) (1 + random.nextInt(255));
                check(stem + "-hflip" + i + ext, b, false);
            }
            for (int i = 0; i < 6; i++) {
                byte[] b = good.clone();
                for (int k = 0; k < 4; k++) b[random.nextInt(b.length)] ^= (byte) (1 + random.nextInt(255));
                check(stem + "-flip" + i + ext, b, false);
            }
            for (int i = 0; i < 4; i++) {
                byte[] b = good.clone();
                int at = random.nextInt(b.length - 1024);
                Arrays.fill(b, at, at + 1024, (byte) 0);
                check(stem + "-zero" + i + ext, b, false);
            }
        }
        // The legacy header (magic, protocol 1001, sys info {}), then a pickle calling a global.
        String header = "80028a0a6cfc9c46f9206aa850192e" + "80024de9032e" + "80027d2e";
        String[] attacks = {
            "800263706f7369780a73797374656d0a580400000074727565855271002e",     // GLOBAL posix.system('true')
            "80026362756974696e730a6576616c0a58040000003132333485527100 2e",    // GLOBAL builtins.eval('1234')
            "8004950000000000000000" + "8c087375626f7072" + "2e",               // a broken frame of protocol 4
            "80028c026f73948c0673797374656d9493580400000074727565855294 2e",    // STACK_GLOBAL os.system('true')
        };
        for (int i = 0; i < attacks.length; i++) {
            check("evil" + i + ".pkl", HexFormat.of().parseHex(header + attacks[i].replace(" ", "")), true);
        }
        System.out.printf("weights fuzz: %d cases, %d errors, %d loads%n", cases, errors, loads);
        assertTrue(cases >= 70, "cases: " + cases);
        assertEquals(List.of(), violations);
    }

    private void check(String name, byte[] data, boolean mustFail) throws Exception {
        Path file = Files.write(dir.resolve(name), data);
        cases++;
        try (StateDict dict = StateDict.read(file)) {
            if (mustFail) violations.add(name + ": loaded");
            else loads++;
        } catch (WeightsException e) {
            errors++;
            String m = e.getMessage();
            if (m == null || !m.startsWith(name) || m.contains("\n")) violations.add(name + ": message " + m);
        } catch (Exception | Error e) {
            violations.add(name + ": " + e);
        }
    }
}
