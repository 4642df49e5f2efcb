package io.llmfallback.observe;

import java.time.Instant;

/**
 * An alert started or stopped firing. Published once per transition as a Spring
 * application event, so a listener can page someone; not per request.
 *
 * @param alert the alert as evaluated at the transition
 * @param at when the transition was seen
 */
public record AlertTransition(Alert alert, Instant at) {

	public boolean firing() {
		return this.alert.firing();
	}

}
