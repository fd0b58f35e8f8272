package io.ernieneo4j.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import io.ernieneo4j.trainer.engine.DjlRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

class AdamWTest {

    @BeforeAll
    static void engine() {
        DjlRuntime.start(Path.of("target", "djl-cache"));
    }

    @Test
    void theFastGroupMovesByItsFactorAndTheOthersByTheScheduledRate() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, Parameter> parameters = parameters(manager, "encoder.weight", "typing.weight");
            AdamW optimizer = new AdamW(parameters, name -> false, 0f, 0f, name -> name.startsWith("typing."), 20f);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray loss = parameters.values().stream().map(p -> p.getArray().mul(3f).sum())
                        .reduce(NDArray::add).orElseThrow();
                collector.backward(loss);
            }
            optimizer.step(1e-3f);
            // Adam's first step is the learning rate times the gradient's sign (bias-corrected moments)
            assertThat(parameters.get("encoder.weight").getArray().toFloatArray()[0]).isCloseTo(1f - 1e-3f,
                    within(1e-6f));
            assertThat(parameters.get("typing.weight").getArray().toFloatArray()[0]).isCloseTo(1f - 20e-3f,
                    within(1e-5f));
        }
    }

    @Test
    void aStepWithANonFiniteGradientChangesNothingAndTheNextStepIsNormal() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, Parameter> parameters = parameters(manager, "a.weight", "b.weight");
            AdamW optimizer = new AdamW(parameters, name -> false, 0f, 0f);
            NDArray a = parameters.get("a.weight").getArray();
            NDArray b = parameters.get("b.weight").getArray();
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(a.mul(Float.NaN).sum().add(b.mul(2f).sum()));
            }
            assertThat(optimizer.step(1e-3f)).isNaN();
            assertThat(optimizer.nonFiniteGradients()).containsExactly("a.weight");
            assertThat(a.toFloatArray()).containsOnly(1f);
            assertThat(b.toFloatArray()).containsOnly(1f);
            // cleared in place: the next backward pass accumulates from zero, into the parameters' own gradients
            assertThat(a.getGradient().toFloatArray()).containsOnly(0f);
            assertThat(b.getGradient().toFloatArray()).containsOnly(0f);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(a.mul(3f).sum().add(b.mul(3f).sum()));
            }
            assertThat(a.getGradient().toFloatArray()).containsOnly(3f);
            // 8 gradients of 3: the norm is sqrt(8 * 9)
            assertThat(optimizer.step(1e-3f)).isCloseTo((float) Math.sqrt(72), within(1e-5f));
            assertThat(a.toFloatArray()[0]).isCloseTo(1f - 1e-3f, within(1e-6f));
        }
    }

    @Test
    void aFactorThatIsNotPositiveIsRefused() {
        assertThatThrownBy(() -> new AdamW(Map.of(), name -> false, 0f, 0f, name -> true, 0f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be positive");
    }

    /** 2 x 2 weights of ones that record gradients, by name, in the given order. */
    private static Map<String, Parameter> parameters(NDManager manager, String... names) {
        Map<String, Parameter> parameters = new LinkedHashMap<>();
        for (String name : names) {
            NDArray array = manager.ones(new ai.djl.ndarray.types.Shape(2, 2));
            array.setRequiresGradient(true);
            parameters.put(name, Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).optArray(array)
                    .build());
        }
        return parameters;
    }
}
