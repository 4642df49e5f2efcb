package io.llmfallback.provider.internal;

import java.util.regex.Pattern;

/**
 * Removes credentials from text a provider sent back. OpenAI's 401 body, for one, echoes
 * a masked prefix and suffix of the key it was given; neither part may reach a log line
 * or an exception message.
 */
final class SecretRedactor {

	private static final int MAX_DETAIL_LENGTH = 300;

	// OpenAI/Anthropic style keys (sk-..., sk-ant-..., possibly masked with '*') and
	// Google API keys (AIza...).
	private static final Pattern KEY_LIKE = Pattern.compile("(sk-[A-Za-z0-9_*\\-.]{3,}|AIza[0-9A-Za-z_\\-]{10,})");

	// Any key echoed with its middle masked ("gw-7Kp2*****1Jd5"), whatever its format:
	// the visible prefix and suffix are still part of the secret.
	private static final Pattern MASKED = Pattern.compile("[A-Za-z0-9_\\-.]*\\*{4,}[A-Za-z0-9_\\-.]*");

	private final String apiKey;

	SecretRedactor(String apiKey) {
		this.apiKey = apiKey;
	}

	String redact(String text) {
		String redacted = text;
		if (this.apiKey.length() >= 4) {
			redacted = redacted.replace(this.apiKey, "[redacted]");
		}
		redacted = KEY_LIKE.matcher(redacted).replaceAll("[redacted]");
		redacted = MASKED.matcher(redacted).replaceAll("[redacted]");
		if (redacted.length() > MAX_DETAIL_LENGTH) {
			redacted = redacted.substring(0, MAX_DETAIL_LENGTH) + "...";
		}
		return redacted;
	}

}
