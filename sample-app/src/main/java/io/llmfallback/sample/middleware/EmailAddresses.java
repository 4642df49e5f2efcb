package io.llmfallback.sample.middleware;

/**
 * Finds e-mail addresses ({@code local@domain.tld}: a local part of letters, digits and
 * {@code ._%+-}, a domain of letters, digits, dots and hyphens ending in a dot and two or
 * more letters) in one pass.
 * <p>
 * A regular expression for the same shape
 * ({@code [A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}}) tries every start position and
 * rescans the run after it: quadratic on a long run without spaces, which a caller can
 * send on purpose, and this runs on the event loop before every attempt. Here each
 * character is looked at a bounded number of times: the local part is the run of local
 * characters before an {@code @} (it never crosses the previous {@code @} or match), and
 * the domain is the run of domain characters after it (it never crosses the next
 * {@code @}).
 */
final class EmailAddresses {

	private EmailAddresses() {
	}

	/** The text with every address replaced, or the same instance when it has none. */
	static String replaceAll(String text, String replacement) {
		StringBuilder result = null;
		int copiedUpTo = 0;
		int searchFrom = 0;
		int at;
		while ((at = text.indexOf('@', searchFrom)) >= 0) {
			int localStart = at;
			while (localStart > copiedUpTo && isLocalChar(text.charAt(localStart - 1))) {
				localStart--;
			}
			int domainEnd = at + 1;
			while (domainEnd < text.length() && isDomainChar(text.charAt(domainEnd))) {
				domainEnd++;
			}
			int end = (localStart < at) ? addressEnd(text, at + 1, domainEnd) : -1;
			if (end < 0) {
				searchFrom = at + 1;
				continue;
			}
			if (result == null) {
				result = new StringBuilder(text.length());
			}
			result.append(text, copiedUpTo, localStart).append(replacement);
			copiedUpTo = end;
			searchFrom = end;
		}
		return (result != null) ? result.append(text, copiedUpTo, text.length()).toString() : text;
	}

	/**
	 * Where an address whose domain is {@code text[from, to)} ends: after the letters of
	 * its last dot that has at least one domain character before it and two or more
	 * letters after it; -1 when none has.
	 */
	private static int addressEnd(String text, int from, int to) {
		int lettersEnd = to;
		for (int index = to - 1; index > from; index--) {
			char current = text.charAt(index);
			if (current == '.') {
				if (lettersEnd - index > 2) {
					return lettersEnd;
				}
				lettersEnd = index;
			}
			else if (!isLetter(current)) {
				lettersEnd = index;
			}
		}
		return -1;
	}

	private static boolean isLocalChar(char c) {
		return isLetter(c) || isDigit(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
	}

	private static boolean isDomainChar(char c) {
		return isLetter(c) || isDigit(c) || c == '.' || c == '-';
	}

	private static boolean isLetter(char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
	}

	private static boolean isDigit(char c) {
		return c >= '0' && c <= '9';
	}

}
