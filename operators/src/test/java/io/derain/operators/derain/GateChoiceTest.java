package io.derain.operators.derain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.derain.models.restore.GateSettings;
import org.junit.jupiter.api.Test;

/** The gate a job runs: the weights' own, unless the user overrode it in part or in whole. */
class GateChoiceTest {
    private static final GateSettings GATED = new GateSettings(true, 3, 1.25);

    @Test
    void weightsDecideWhenTheUserSaysNothing() {
        assertFalse(GateChoice.FROM_MODEL.resolve(GateSettings.WHOLE_OUTPUT).enabled(), "gen.pkl: the whole output");
        AttentionGate g = GateChoice.FROM_MODEL.resolve(GATED);
        assertEquals(3, g.grow());
        assertEquals(1.25, g.gain());
    }

    @Test
    void aWideningOrGainAloneTurnsTheGateOnAndKeepsTheRest() {
        AttentionGate fromGated = new GateChoice(null, 7, null).resolve(GATED);
        assertEquals(7, fromGated.grow());
        assertEquals(1.25, fromGated.gain(), "the weights' gain");
        AttentionGate fromWhole = new GateChoice(null, null, 2.0).resolve(GateSettings.WHOLE_OUTPUT);
        assertEquals(AttentionGate.DEFAULT_GROW, fromWhole.grow(), "no widening in the weights: the default one");
        assertEquals(2.0, fromWhole.gain());
    }

    @Test
    void theFloorComesFromTheWeightsUnlessGiven() {
        GateSettings floored = new GateSettings(true, 5, 1.5, 0.4);
        assertEquals(0.4, GateChoice.FROM_MODEL.resolve(floored).floor());
        assertEquals(0.1, new GateChoice(null, null, null, 0.1).resolve(floored).floor());
        AttentionGate fromWhole = new GateChoice(null, null, null, 0.3).resolve(GateSettings.WHOLE_OUTPUT);
        assertTrue(fromWhole.enabled(), "a floor alone turns the gate on");
        assertEquals(AttentionGate.DEFAULT_GAIN, fromWhole.gain());
        assertEquals(0.0, new GateChoice(true, null, null).resolve(GateSettings.WHOLE_OUTPUT).floor());
    }

    @Test
    void onAndOffOverrideTheWeights() {
        assertFalse(new GateChoice(false, null, null).resolve(GATED).enabled());
        AttentionGate on = new GateChoice(true, null, null).resolve(GateSettings.WHOLE_OUTPUT);
        assertEquals(AttentionGate.DEFAULT_GROW, on.grow());
        assertEquals(AttentionGate.DEFAULT_GAIN, on.gain());
        assertEquals(GATED, GateChoice.of(AttentionGate.of(3, 1.25)).resolve(GateSettings.WHOLE_OUTPUT).settings());
    }
}
