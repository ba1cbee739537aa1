package io.derain.models.weights.pickle;

import java.math.BigInteger;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A data-only reader of Python pickles, protocols 0-4 in their binary forms, as written by torch.save.
 *
 * <p>It never runs code: globals go through a {@link PickleGlobals} whitelist and persistent ids
 * through a {@link PersistentLoader}. Values come out as Java types: {@code null} (None), {@link Boolean},
 * {@link Long} or {@link BigInteger} (int), {@link Double}, {@link String}, {@code byte[]},
 * {@link PickleTuple}, {@link List}, {@link Map} (insertion-ordered), {@link Set}, or whatever the
 * whitelist or loader produce. Reads one pickle per {@link #load()}, from the buffer's position on, so
 * a stream of pickles (the legacy torch format) is read with consecutive calls.
 */
public final class Unpickler {
    private static final int MAX_PROTOCOL = 4;

    private final ByteBuffer in;
    private final PickleGlobals globals;
    private final PersistentLoader persistentLoader;

    private final List<Object> stack = new ArrayList<>();
    private final Deque<Integer> marks = new ArrayDeque<>();
    private final Map<Long, Object> memo = new HashMap<>();

    /** Reads from {@code in}'s position; the buffer's position ends just after each pickle's STOP. */
    public Unpickler(ByteBuffer in, PickleGlobals globals, PersistentLoader persistentLoader) {
        this.in = in.order(ByteOrder.LITTLE_ENDIAN);
        this.globals = globals;
        this.persistentLoader = persistentLoader;
    }

    /** Reads the next pickle up to its STOP opcode and returns its value. */
    public Object load() {
        stack.clear();
        marks.clear();
        memo.clear();
        int start = in.position();
        try {
            while (true) {
                int at = in.position();
                int opcode = in.get() & 0xff;
                if (opcode == '.') { // STOP
                    if (stack.size() != 1 || !marks.isEmpty()) {
                        throw new PickleException("malformed pickle: STOP with " + stack.size() + " values on the stack");
                    }
                    return stack.remove(0);
                }
                execute(opcode, at);
            }
        } catch (BufferUnderflowException e) {
            throw new PickleException("truncated pickle (started at byte " + start + ", ends at byte " + in.limit() + ")");
        } catch (IndexOutOfBoundsException | ClassCastException | ArithmeticException e) {
            throw new PickleException("malformed pickle near byte " + in.position() + ": " + e.getMessage());
        }
    }

    private void execute(int opcode, int at) {
        switch (opcode) {
            case 0x80 -> { // PROTO
                int protocol = in.get() & 0xff;
                if (protocol > MAX_PROTOCOL) throw new PickleException("unsupported pickle protocol " + protocol);
            }
            case 0x95 -> in.getLong(); // FRAME: frames only group opcodes, the stream reads the same without them
            case '(' -> marks.push(stack.size()); // MARK
            case '0' -> pop(); // POP
            case '1' -> popMark(); // POP_MARK
            case '2' -> push(peek()); // DUP

            case 'N' -> push(null);
            case 0x88 -> push(Boolean.TRUE); // NEWTRUE
            case 0x89 -> push(Boolean.FALSE); // NEWFALSE
            case 'J' -> push((long) in.getInt()); // BININT
            case 'K' -> push((long) (in.get() & 0xff)); // BININT1
            case 'M' -> push((long) (in.getShort() & 0xffff)); // BININT2
            case 0x8a -> push(readLong(in.get() & 0xff)); // LONG1
            case 0x8b -> push(readLong(length(in.getInt()))); // LONG4
            case 'I' -> push(parseTextInt(readLine())); // INT (protocol 0; also True/False as 01/00)
            case 'G' -> push(Double.longBitsToDouble(Long.reverseBytes(in.getLong()))); // BINFLOAT is big-endian
            case 'X' -> push(readUtf8(length(in.getInt()))); // BINUNICODE
            case 0x8c -> push(readUtf8(in.get() & 0xff)); // SHORT_BINUNICODE
            case 0x8d -> push(readUtf8(length(in.getLong()))); // BINUNICODE8
            // Python 2 str: torch.load decodes them as text too.
            case 'T' -> push(readUtf8(length(in.getInt()))); // BINSTRING
            case 'U' -> push(readUtf8(in.get() & 0xff)); // SHORT_BINSTRING
            case 'B' -> push(readBytes(length(in.getInt()))); // BINBYTES
            case 'C' -> push(readBytes(in.get() & 0xff)); // SHORT_BINBYTES
            case 0x8e -> push(readBytes(length(in.getLong()))); // BINBYTES8

            case ')' -> push(new PickleTuple(List.of())); // EMPTY_TUPLE
            case 't' -> push(new PickleTuple(popMark())); // TUPLE
            case 0x85 -> push(tupleOfLast(1)); // TUPLE1
            case 0x86 -> push(tupleOfLast(2)); // TUPLE2
            case 0x87 -> push(tupleOfLast(3)); // TUPLE3
            case ']' -> push(new ArrayList<>()); // EMPTY_LIST
            case 'l' -> push(new ArrayList<>(popMark())); // LIST
            case 'a' -> { // APPEND
                Object item = pop();
                asList(peek()).add(item);
            }
            case 'e' -> { // APPENDS
                List<Object> items = popMark();
                asList(peek()).addAll(items);
            }
            case '}' -> push(new LinkedHashMap<>()); // EMPTY_DICT
            case 'd' -> { // DICT
                Map<Object, Object> dict = new LinkedHashMap<>();
                putPairs(dict, popMark());
                push(dict);
            }
            case 's' -> { // SETITEM
                Object value = pop();
                Object key = pop();
                asMap(peek()).put(key, value);
            }
            case 'u' -> { // SETITEMS
                List<Object> pairs = popMark();
                putPairs(asMap(peek()), pairs);
            }
            case 0x8f -> push(new LinkedHashSet<>()); // EMPTY_SET
            case 0x90 -> { // ADDITEMS
                List<Object> items = popMark();
                asSet(peek()).addAll(items);
            }
            case 0x91 -> push(Set.copyOf(new LinkedHashSet<>(popMark()))); // FROZENSET

            case 'q' -> memo.put((long) (in.get() & 0xff), peek()); // BINPUT
            case 'r' -> memo.put(in.getInt() & 0xffffffffL, peek()); // LONG_BINPUT
            case 'p' -> memo.put(Long.parseLong(readLine()), peek()); // PUT
            case 0x94 -> memo.put((long) memo.size(), peek()); // MEMOIZE
            case 'h' -> push(memoGet(in.get() & 0xff)); // BINGET
            case 'j' -> push(memoGet(in.getInt() & 0xffffffffL)); // LONG_BINGET
            case 'g' -> push(memoGet(Long.parseLong(readLine()))); // GET

            case 'c' -> { // GLOBAL
                String module = readLine();
                String name = readLine();
                push(globals.resolve(module, name));
            }
            case 0x93 -> { // STACK_GLOBAL
                Object name = pop();
                Object module = pop();
                if (!(module instanceof String m) || !(name instanceof String n)) {
                    throw new PickleException("malformed pickle: STACK_GLOBAL needs two strings");
                }
                push(globals.resolve(m, n));
            }
            case 'R', 0x81 -> { // REDUCE, NEWOBJ: the whitelist decides what "calling" a global means
                Object args = pop();
                Object callable = pop();
                push(call(callable, args));
            }
            case 0x92 -> { // NEWOBJ_EX
                Object kwargs = pop();
                Object args = pop();
                Object callable = pop();
                if (!(kwargs instanceof Map<?, ?> k) || !k.isEmpty()) {
                    throw new PickleException("keyword arguments to " + describe(callable) + " are not supported");
                }
                push(call(callable, args));
            }
            case 'b' -> { // BUILD
                Object state = pop();
                Object target = peek();
                // An OrderedDict state_dict carries `_metadata` (per-module versions) as an attribute: not needed.
                if (!(target instanceof Map)) {
                    throw new PickleException("cannot set the state of " + describe(target) + " (BUILD)");
                }
            }
            case 'Q' -> push(persistentLoader.load(pop())); // BINPERSID
            case 'P' -> push(persistentLoader.load(readLine())); // PERSID
            default -> throw new PickleException(String.format(
                    "unsupported pickle opcode 0x%02x at byte %d", opcode, at));
        }
    }

    private Object call(Object callable, Object args) {
        if (!(callable instanceof PickleCallable c)) {
            throw new PickleException("cannot call " + describe(callable));
        }
        if (!(args instanceof PickleTuple t)) {
            throw new PickleException("malformed pickle: arguments are not a tuple but " + describe(args));
        }
        return c.call(t);
    }

    private static String describe(Object value) {
        return value == null ? "None" : value.getClass().getSimpleName();
    }

    private void push(Object value) {
        stack.add(value);
    }

    private Object pop() {
        if (stack.size() <= (marks.isEmpty() ? 0 : marks.peek())) {
            throw new PickleException("malformed pickle: stack underflow at byte " + in.position());
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek() {
        if (stack.size() <= (marks.isEmpty() ? 0 : marks.peek())) throw new PickleException("malformed pickle: empty stack at byte " + in.position());
        return stack.get(stack.size() - 1);
    }

    private List<Object> popMark() {
        if (marks.isEmpty()) throw new PickleException("malformed pickle: no MARK at byte " + in.position());
        int from = marks.pop();
        List<Object> tail = stack.subList(from, stack.size());
        List<Object> items = new ArrayList<>(tail);
        tail.clear();
        return items;
    }

    private PickleTuple tupleOfLast(int count) {
        Object[] items = new Object[count];
        for (int i = count - 1; i >= 0; i--) items[i] = pop();
        return PickleTuple.of(items);
    }

    private Object memoGet(long index) {
        if (!memo.containsKey(index)) throw new PickleException("malformed pickle: memo entry " + index + " not set");
        return memo.get(index);
    }

    private static void putPairs(Map<Object, Object> map, List<Object> pairs) {
        if (pairs.size() % 2 != 0) throw new PickleException("malformed pickle: odd number of dict items");
        for (int i = 0; i < pairs.size(); i += 2) map.put(pairs.get(i), pairs.get(i + 1));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> asList(Object value) {
        if (value instanceof List<?> list) return (List<Object>) list;
        throw new PickleException("malformed pickle: APPEND to " + describe(value));
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> asMap(Object value) {
        if (value instanceof Map<?, ?> map) return (Map<Object, Object>) map;
        throw new PickleException("malformed pickle: SETITEM on " + describe(value));
    }

    @SuppressWarnings("unchecked")
    private static Collection<Object> asSet(Object value) {
        if (value instanceof Set<?> set) return (Set<Object>) set;
        throw new PickleException("malformed pickle: ADDITEMS on " + describe(value));
    }

    private int length(long length) {
        if (length < 0 || length > in.remaining()) throw new BufferUnderflowException();
        return (int) length;
    }

    private byte[] readBytes(int length) {
        byte[] bytes = new byte[length(length)];
        in.get(bytes);
        return bytes;
    }

    private String readUtf8(int length) {
        return new String(readBytes(length), StandardCharsets.UTF_8);
    }

    /** Protocol-0 argument: bytes up to a newline. */
    private String readLine() {
        StringBuilder line = new StringBuilder();
        for (byte b = in.get(); b != '\n'; b = in.get()) {
            if (line.length() > 1000) throw new PickleException("malformed pickle: text argument too long");
            line.append((char) (b & 0xff));
        }
        return line.toString();
    }

    private static Object parseTextInt(String text) {
        if (text.equals("00")) return Boolean.FALSE;
        if (text.equals("01")) return Boolean.TRUE;
        return narrow(new BigInteger(text.trim()));
    }

    /** LONG1 / LONG4: little-endian two's complement of the given length. */
    private Object readLong(int length) {
        byte[] le = readBytes(length);
        if (length == 0) return 0L;
        byte[] be = new byte[length];
        for (int i = 0; i < length; i++) be[i] = le[length - 1 - i];
        return narrow(new BigInteger(be));
    }

    private static Object narrow(BigInteger value) {
        return value.bitLength() < 64 ? (Object) value.longValue() : value;
    }
}
