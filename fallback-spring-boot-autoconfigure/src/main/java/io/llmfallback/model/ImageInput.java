package io.llmfallback.model;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * An image in a user message: either at a URL the provider fetches itself, or inline as
 * base64 data.
 *
 * @param url the image's {@code https} URL, or {@code null} for inline data
 * @param mediaType the data's media type ({@code image/png}, {@code image/jpeg},
 * {@code image/gif} or {@code image/webp}, the ones all three providers accept), or
 * {@code null} for a URL
 * @param base64Data the image, base64-encoded, or {@code null} for a URL
 */
public record ImageInput(@Nullable String url, @Nullable String mediaType, @Nullable String base64Data) {

	private static final Set<String> MEDIA_TYPES = Set.of("image/png", "image/jpeg", "image/gif", "image/webp");

	public ImageInput {
		if ((url == null) == (base64Data == null)) {
			throw new IllegalArgumentException("An image is a URL or base64 data, one of the two");
		}
		if (url != null && (mediaType != null || !url.toLowerCase(Locale.ROOT).startsWith("https://"))) {
			throw new IllegalArgumentException("An image URL must be https, without a media type");
		}
		if (base64Data != null && (mediaType == null || !MEDIA_TYPES.contains(mediaType))) {
			throw new IllegalArgumentException("Inline image data needs one of the media types " + MEDIA_TYPES);
		}
	}

	public static ImageInput url(String url) {
		return new ImageInput(Objects.requireNonNull(url, "url"), null, null);
	}

	public static ImageInput base64(String mediaType, String base64Data) {
		return new ImageInput(null, Objects.requireNonNull(mediaType, "mediaType"),
				Objects.requireNonNull(base64Data, "base64Data"));
	}

	/** Whether the image is a URL rather than inline data. */
	public boolean isUrl() {
		return this.url != null;
	}

}
