package io.llmfallback.observe;

import org.jspecify.annotations.Nullable;

/**
 * The state of one alert.
 *
 * @param signal which signal
 * @param chain the chain it is about, {@code null} for a provider's breaker
 * @param provider the provider it is about (breaker alerts), {@code null} otherwise
 * @param operation for the output length delta, the operation its value comes from (the
 * one whose delta has the largest magnitude); {@code null} otherwise
 * @param value the signal's current value, {@code null} while its window holds no data
 * @param threshold the value above which it fires
 * @param firing whether it fires now
 */
public record Alert(String signal, @Nullable String chain, @Nullable String provider, @Nullable String operation,
		@Nullable Double value, double threshold, boolean firing) {

	/**
	 * What identifies the alert across evaluations. Not the operation: the output length
	 * alert is the chain's, and goes on firing when another operation becomes the one
	 * that drifts most.
	 */
	public String key() {
		return this.signal + "/" + ((this.chain != null) ? this.chain : "") + "/"
				+ ((this.provider != null) ? this.provider : "");
	}

	@Override
	public String toString() {
		return this.signal + ((this.chain != null) ? " chain=" + this.chain : "")
				+ ((this.provider != null) ? " provider=" + this.provider : "")
				+ ((this.operation != null) ? " operation=" + this.operation : "") + " value=" + this.value
				+ " threshold=" + this.threshold;
	}

}
