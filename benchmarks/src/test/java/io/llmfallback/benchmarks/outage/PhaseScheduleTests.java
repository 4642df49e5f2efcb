package io.llmfallback.benchmarks.outage;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class PhaseScheduleTests {

	private final PhaseSchedule schedule = new PhaseSchedule(HarnessOptions.defaults().phases());

	@Test
	void defaultScheduleIsTheIssuesFivePhases() {
		assertThat(this.schedule.phases()).extracting(Phase::name)
			.containsExactly("healthy", "hang", "503", "429", "recovery");
		assertThat(this.schedule.total()).isEqualTo(Duration.ofSeconds(180));
	}

	@Test
	void eachInstantBelongsToThePhaseThatStartedLast() {
		assertThat(this.schedule.indexAt(0)).isZero();
		assertThat(this.schedule.indexAt(seconds(30) - 1)).isZero();
		assertThat(this.schedule.indexAt(seconds(30))).isEqualTo(1);
		assertThat(this.schedule.indexAt(seconds(90))).isEqualTo(2);
		assertThat(this.schedule.indexAt(seconds(149))).isEqualTo(3);
		assertThat(this.schedule.indexAt(seconds(150))).isEqualTo(4);
		assertThat(this.schedule.indexAt(seconds(500))).isEqualTo(4);
		assertThat(this.schedule.startNanos(3)).isEqualTo(seconds(120));
	}

	@Test
	void optionsParseLengthsRateAndTimeout() {
		HarnessOptions options = HarnessOptions.parse("--phases=2s,500ms,1s,1s,3s", "--rate=40", "--timeout=4s");

		assertThat(options.phases()).extracting(Phase::length)
			.containsExactly(Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofSeconds(1),
					Duration.ofSeconds(1), Duration.ofSeconds(3));
		assertThat(options.rate()).isEqualTo(40);
		assertThat(options.latencyBudget()).isEqualTo(Duration.ofSeconds(12));
		assertThatIllegalArgumentException().isThrownBy(() -> HarnessOptions.parse("--phases=1s,1s"))
			.withMessageContaining("five lengths");
		assertThatIllegalArgumentException().isThrownBy(() -> HarnessOptions.parse("--rats=4"))
			.withMessageContaining("Unknown argument '--rats=4'");
		assertThatIllegalArgumentException().isThrownBy(() -> HarnessOptions.parse("--rate=fast"))
			.withMessageContaining("Cannot read '--rate=fast'");
	}

	private static long seconds(long seconds) {
		return Duration.ofSeconds(seconds).toNanos();
	}

}
