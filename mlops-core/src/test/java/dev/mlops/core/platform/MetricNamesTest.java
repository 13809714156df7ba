package dev.mlops.core.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;

class MetricNamesTest {

    @Test
    void everyDeclaredMetricFollowsTheConvention() throws IllegalAccessException {
        int checked = 0;
        for (Field field : MetricNames.class.getFields()) {
            String value = (String) field.get(null);
            if (Modifier.isStatic(field.getModifiers()) && value.startsWith(MetricNames.PREFIX)
                    && !field.getName().equals("PREFIX")) {
                assertThat(MetricNames.check(value)).isEqualTo(value);
                assertThat(MetricNames.description(value)).as("the description of %s", value).isPresent();
                checked++;
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(7);
    }

    @Test
    void rejectsNamesOutsideTheConvention() {
        assertThatThrownBy(() -> MetricNames.check("events_published"))
                .hasMessage("metric name must match " + MetricNames.PATTERN + ", was 'events_published'");
        assertThatThrownBy(() -> MetricNames.check("mlops.event")).hasMessageStartingWith("metric name must match");
        assertThatThrownBy(() -> MetricNames.check("mlops.Event.published")).hasMessageStartingWith("metric name must match");
    }
}
