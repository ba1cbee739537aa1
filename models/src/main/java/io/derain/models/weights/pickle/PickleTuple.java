package io.derain.models.weights.pickle;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A Python tuple: kept apart from lists because tuples and lists mean different things to callables. */
public record PickleTuple(List<Object> items) {
    public PickleTuple {
        items = Collections.unmodifiableList(new ArrayList<>(items)); // may hold null (None)
    }

    public static PickleTuple of(Object... items) {
        return new PickleTuple(java.util.Arrays.asList(items));
    }

    public int size() {
        return items.size();
    }

    public Object get(int index) {
        return items.get(index);
    }

    @Override
    public String toString() {
        return items.toString().replace('[', '(').replace(']', ')');
    }
}
