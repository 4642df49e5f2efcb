package io.llmfallback.sample.middleware;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

class EmailAddressesTest {

	/** The shape EmailAddresses finds, as the regular expression it replaces wrote it. */
	private static final Pattern REFERENCE = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");

	@Test
	void replacesAddressesAndKeepsTheRest() {
		assertThat(EmailAddresses.replaceAll("Mail ann.lee@example.com, or bo+x@mail.co.uk.", "[email]"))
			.isEqualTo("Mail [email], or [email].");
		assertThat(EmailAddresses.replaceAll("a@b.com-x and a@b.c and @example.com and x@y", "[email]"))
			.isEqualTo("[email]-x and a@b.c and @example.com and x@y");
	}

	@Test
	void returnsTheSameTextWhenThereIsNoAddress() {
		String text = "no address here @ all";
		assertThat(EmailAddresses.replaceAll(text, "[email]")).isSameAs(text);
	}

	@Test
	void findsExactlyWhatTheRegularExpressionFinds() {
		Random random = new Random(42);
		String alphabet = "ab.@-_%+Z9 ";
		for (int sample = 0; sample < 50_000; sample++) {
			StringBuilder text = new StringBuilder();
			int length = random.nextInt(24);
			for (int i = 0; i < length; i++) {
				text.append(alphabet.charAt(random.nextInt(alphabet.length())));
			}
			String input = text.toString();
			assertThat(EmailAddresses.replaceAll(input, "#")).as(input)
				.isEqualTo(REFERENCE.matcher(input).replaceAll("#"));
		}
	}

	/**
	 * Hostile prompts: long runs without spaces. The regular expression takes hours on
	 * these (quadratic); a linear pass takes milliseconds. The timeout only keeps a
	 * regression from hanging the build.
	 */
	@Test
	@Timeout(value = 30, unit = TimeUnit.SECONDS)
	void longRunsWithoutSpacesTakeOnePass() {
		String oneWord = "a".repeat(5_000_000);
		assertThat(EmailAddresses.replaceAll(oneWord, "[email]")).isSameAs(oneWord);
		String atSigns = "a@".repeat(2_500_000);
		assertThat(EmailAddresses.replaceAll(atSigns, "[email]")).isSameAs(atSigns);
		String dotted = "a@" + "b.".repeat(2_500_000) + "x";
		assertThat(EmailAddresses.replaceAll(dotted, "[email]")).isSameAs(dotted);
		String address = "a.".repeat(1_000_000) + "@example.com";
		assertThat(EmailAddresses.replaceAll(address, "[email]")).isEqualTo("[email]");
	}

}
