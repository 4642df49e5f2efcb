package io.llmfallback.benchmarks.outage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The sender keeps its schedule whatever happens to the requests it sends. */
class OpenLoopTests {

	private static final long PERIOD = TimeUnit.MILLISECONDS.toNanos(5);

	@Test
	void dueTimesFollowTheScheduleAndNoTickRunsEarly() {
		long origin = System.nanoTime() + PERIOD;
		List<long[]> ticks = new ArrayList<>();

		Samples lateness = OutageHarness.openLoop(origin, PERIOD, 40,
				(index, due) -> ticks.add(new long[] { index, due, System.nanoTime() }));

		assertThat(ticks).hasSize(40);
		for (int i = 0; i < ticks.size(); i++) {
			long[] tick = ticks.get(i);
			assertThat(tick[0]).isEqualTo(i);
			assertThat(tick[1]).isEqualTo(origin + i * PERIOD);
			assertThat(tick[2]).isGreaterThanOrEqualTo(tick[1]);
		}
		assertThat(lateness.size()).isEqualTo(40);
	}

	@Test
	void aLateTickDoesNotShiftTheDueTimesAfterIt() {
		long origin = System.nanoTime();
		List<Long> dues = new ArrayList<>();

		Samples lateness = OutageHarness.openLoop(origin, PERIOD, 10, (index, due) -> {
			dues.add(due);
			if (index == 2) {
				// Four periods' worth of work in one tick: the next ticks are due at
				// once, not pushed back.
				LockSupport.parkNanos(4 * PERIOD);
			}
		});

		assertThat(dues).containsExactly(origin, origin + PERIOD, origin + 2 * PERIOD, origin + 3 * PERIOD,
				origin + 4 * PERIOD, origin + 5 * PERIOD, origin + 6 * PERIOD, origin + 7 * PERIOD, origin + 8 * PERIOD,
				origin + 9 * PERIOD);
		assertThat(Samples.percentile(lateness.sorted(), 100)).isGreaterThanOrEqualTo(4 * PERIOD);
	}

}
