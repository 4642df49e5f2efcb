package io.llmfallback.openaiapi.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The bearer keys a caller must present one of. Only their SHA-256 digests are kept and
 * compared, each in constant time and all of them every time, so neither a key's length
 * nor which key came closest shows in how long a refusal takes.
 */
final class ApiKeys {

	private static final String BEARER = "Bearer ";

	private final List<byte[]> digests;

	ApiKeys(Collection<String> keys) {
		this.digests = keys.stream().map(ApiKeys::digest).toList();
	}

	/** Whether no key is configured: every caller is let in. */
	boolean isOpen() {
		return this.digests.isEmpty();
	}

	/**
	 * Whether the {@code Authorization} header carries a configured key, or none is
	 * configured.
	 */
	boolean accepts(@Nullable String authorization) {
		if (isOpen()) {
			return true;
		}
		if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
			return false;
		}
		byte[] presented = digest(authorization.substring(BEARER.length()).strip());
		boolean accepted = false;
		for (byte[] digest : this.digests) {
			accepted |= MessageDigest.isEqual(digest, presented);
		}
		return accepted;
	}

	private static byte[] digest(String key) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java runtime has SHA-256", ex);
		}
	}

}
