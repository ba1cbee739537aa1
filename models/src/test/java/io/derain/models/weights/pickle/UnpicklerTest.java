package io.derain.models.weights.pickle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UnpicklerTest {
    // pickle.dumps({'a': [1, -2, 3.5, 2**70, -2**63], 'b': (True, False, None), 'c': {1, 2}, 'd': b'\x00\x01',
    //               'e': 'hé', 'f': OrderedDict([('x', 1)]), 'g': ('s', 's')}, protocol=4 / protocol=2)
    private static final String PROTOCOL_4 = "80049592000000000000007d94288c0161945d94284b014afeffffff47400c0000000000008a09000000"
            + "0000000000408a080000000000000080658c01629488894e87948c0163948f94284b014b02908c01649443020001948c0165948c0368c3a994"
            + "8c0166948c0b636f6c6c656374696f6e73948c0b4f726465726564446963749493942952948c0178944b01738c0167948c01739468128694752e";
    private static final String PROTOCOL_2 = "80027d71002858010000006171015d7102284b014afeffffff47400c0000000000008a0900000000000000"
            + "00408a08000000000000008065580100000062710388894e8771045801000000637105635f5f6275696c74696e5f5f0a7365740a71065d7107"
            + "284b014b0265857108527109580100000064710a635f636f646563730a656e636f64650a710b58020000000001710c58060000006c6174696e"
            + "31710d86710e52710f5801000000657110580300000068c3a97111580100000066711263636f6c6c656374696f6e730a4f7264657265644469"
            + "63740a71132952711458010000007871154b0173580100000067711658010000007371176817867118752e";
    // pickle.dumps(os.system, protocol=2)
    private static final String OS_SYSTEM = "800263706f7369780a73797374656d0a71002e";

    /** A stand-in whitelist with just what the samples above need. */
    private static Object resolve(String module, String name) {
        return switch (module + "." + name) {
            case "collections.OrderedDict" -> (PickleCallable) args -> new LinkedHashMap<>();
            case "__builtin__.set" -> (PickleCallable) args -> new java.util.LinkedHashSet<>((List<?>) args.get(0));
            case "_codecs.encode" -> (PickleCallable) args -> ((String) args.get(0)).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            default -> throw new PickleException("refused " + module + "." + name);
        };
    }

    private static Object load(String hex) {
        ByteBuffer in = ByteBuffer.wrap(HexFormat.of().parseHex(hex));
        return new Unpickler(in, UnpicklerTest::resolve, id -> { throw new PickleException("no ids"); }).load();
    }

    @Test
    void readsProtocol4AndProtocol2Alike() {
        for (String hex : List.of(PROTOCOL_4, PROTOCOL_2)) {
            Map<?, ?> dict = (Map<?, ?>) load(hex);
            assertEquals(List.of("a", "b", "c", "d", "e", "f", "g"), List.copyOf(dict.keySet()));
            assertEquals(Arrays.asList(1L, -2L, 3.5, BigInteger.TWO.pow(70), Long.MIN_VALUE), dict.get("a"));
            assertEquals(PickleTuple.of(true, false, null), dict.get("b"));
            assertEquals(Set.of(1L, 2L), dict.get("c"));
            assertArrayEquals(new byte[] {0, 1}, (byte[]) dict.get("d"));
            assertEquals("hé", dict.get("e"));
            assertEquals(Map.of("x", 1L), dict.get("f"));
            PickleTuple g = (PickleTuple) dict.get("g");
            assertTrue(g.get(0) == g.get(1), "memoised values are shared");
        }
    }

    @Test
    void refusesGlobalsOutsideTheWhitelist() {
        PickleException e = assertThrows(PickleException.class, () -> load(OS_SYSTEM));
        assertEquals("refused posix.system", e.getMessage());
    }

    @Test
    void reportsTruncationAndUnknownOpcodes() {
        assertTrue(assertThrows(PickleException.class, () -> load(PROTOCOL_2.substring(0, 60)))
                .getMessage().startsWith("truncated pickle"));
        assertTrue(assertThrows(PickleException.class, () -> load("8002ff2e"))
                .getMessage().startsWith("unsupported pickle opcode 0xff"));
    }

    @Test
    void readsConsecutivePicklesFromOneBuffer() {
        ByteBuffer in = ByteBuffer.wrap(HexFormat.of().parseHex("80024b072e" + "80024de9032e"));
        Unpickler unpickler = new Unpickler(in, UnpicklerTest::resolve, id -> id);
        assertEquals(7L, unpickler.load());
        assertEquals(1001L, unpickler.load());
        assertEquals(0, in.remaining());
    }
}
