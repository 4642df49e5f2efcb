package io.llmfallback.ops;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Just enough of a PromQL reader to tell which metrics, label matchers and grouping
 * labels an expression names: the metric names are what the operations tests check
 * against a real scrape. It tokenizes the expression (strings, numbers and durations,
 * identifiers, Grafana variables, punctuation) and then reads every identifier that is
 * neither a function or aggregation (followed by {@code (}), nor a keyword, nor inside a
 * label matcher ({@code {...}}), a range ({@code [...]}) or a grouping list
 * ({@code by (...)}), as a metric name.
 */
final class PromQl {

	/** Keywords that take a label list in parentheses. */
	private static final Set<String> GROUPING = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");

	/**
	 * Aggregation operators, which may be followed by their grouping rather than by "(".
	 */
	private static final Set<String> AGGREGATIONS = Set.of("sum", "min", "max", "avg", "group", "stddev", "stdvar",
			"count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio");

	/** Words that are never metric names where they stand alone. */
	private static final Set<String> KEYWORDS = Set.of("bool", "and", "or", "unless", "offset", "inf", "nan");

	private PromQl() {
	}

	/** A label matcher: {@code label op "value"}. */
	record Matcher(String label, String op, String value) {

	}

	/** An instant or range vector selector. */
	record Selector(String metric, List<Matcher> matchers) {

	}

	/** What an expression names. */
	record References(List<Selector> selectors, Set<String> groupingLabels, Set<String> createdLabels) {

		Set<String> metricNames() {
			Set<String> names = new LinkedHashSet<>();
			this.selectors.forEach((selector) -> names.add(selector.metric()));
			return names;
		}

	}

	static Set<String> metricNames(String expression) {
		return read(expression).metricNames();
	}

	static References read(String expression) {
		List<Token> tokens = tokenize(expression);
		List<Selector> selectors = new ArrayList<>();
		Set<String> grouping = new LinkedHashSet<>();
		Set<String> created = new LinkedHashSet<>();
		// Open parentheses, each with the function it calls ("" for plain grouping) and
		// the strings seen in it.
		Deque<Call> calls = new ArrayDeque<>();
		int i = 0;
		while (i < tokens.size()) {
			Token token = tokens.get(i);
			if (token.kind == Kind.IDENTIFIER) {
				Token next = (i + 1 < tokens.size()) ? tokens.get(i + 1) : null;
				boolean call = next != null && next.is("(");
				if (call && GROUPING.contains(token.text)) {
					i = labelList(tokens, i + 2, grouping);
					continue;
				}
				if (call) {
					calls.push(new Call(token.text));
					i += 2;
					continue;
				}
				if (AGGREGATIONS.contains(token.text) && next != null && next.kind == Kind.IDENTIFIER
						&& (next.text.equals("by") || next.text.equals("without"))) {
					i++; // sum by (...) (...): the grouping comes next, then the
							// aggregated expression
					continue;
				}
				if (KEYWORDS.contains(token.text.toLowerCase(Locale.ROOT)) || GROUPING.contains(token.text)) {
					i++;
					continue;
				}
				List<Matcher> matchers = new ArrayList<>();
				i++;
				if (next != null && next.is("{")) {
					i = matchers(tokens, i + 1, matchers);
				}
				selectors.add(new Selector(token.text, List.copyOf(matchers)));
				continue;
			}
			if (token.is("{")) {
				// A selector without a metric name: {__name__="..."} or similar.
				List<Matcher> matchers = new ArrayList<>();
				i = matchers(tokens, i + 1, matchers);
				matchers.stream()
					.filter((matcher) -> matcher.label().equals("__name__") && matcher.op().equals("="))
					.forEach((matcher) -> selectors.add(new Selector(matcher.value(), List.copyOf(matchers))));
				continue;
			}
			if (token.is("[")) {
				i = skipPast(tokens, i + 1, "]");
				continue;
			}
			if (token.is("(")) {
				calls.push(new Call(""));
			}
			else if (token.is(")") && !calls.isEmpty()) {
				calls.pop();
			}
			else if (token.kind == Kind.STRING && !calls.isEmpty()) {
				Call call = calls.peek();
				call.strings++;
				// label_replace(v, "dst", "replacement", "src", "regex") creates "dst".
				if (call.function.equals("label_replace") && call.strings == 1) {
					created.add(token.text);
				}
			}
			i++;
		}
		return new References(List.copyOf(selectors), grouping, created);
	}

	private static final class Call {

		final String function;

		int strings;

		Call(String function) {
			this.function = function;
		}

	}

	private static int labelList(List<Token> tokens, int start, Set<String> labels) {
		int i = start;
		while (i < tokens.size() && !tokens.get(i).is(")")) {
			if (tokens.get(i).kind == Kind.IDENTIFIER) {
				labels.add(tokens.get(i).text);
			}
			i++;
		}
		return i + 1;
	}

	private static int matchers(List<Token> tokens, int start, List<Matcher> matchers) {
		int i = start;
		while (i < tokens.size() && !tokens.get(i).is("}")) {
			Token label = tokens.get(i);
			if (label.kind == Kind.IDENTIFIER && i + 2 < tokens.size()) {
				Token op = tokens.get(i + 1);
				Token value = tokens.get(i + 2);
				if (op.kind == Kind.OPERATOR && (value.kind == Kind.STRING || value.kind == Kind.VARIABLE)) {
					matchers.add(new Matcher(label.text, op.text, value.text));
					i += 3;
					continue;
				}
			}
			i++;
		}
		return i + 1;
	}

	private static int skipPast(List<Token> tokens, int start, String closing) {
		int i = start;
		while (i < tokens.size() && !tokens.get(i).is(closing)) {
			i++;
		}
		return i + 1;
	}

	enum Kind {

		IDENTIFIER, NUMBER, STRING, VARIABLE, OPERATOR, PUNCTUATION

	}

	record Token(Kind kind, String text) {

		boolean is(String punctuation) {
			return this.kind == Kind.PUNCTUATION && this.text.equals(punctuation);
		}

	}

	static List<Token> tokenize(String expression) {
		List<Token> tokens = new ArrayList<>();
		int i = 0;
		int length = expression.length();
		while (i < length) {
			char c = expression.charAt(i);
			if (Character.isWhitespace(c)) {
				i++;
			}
			else if (c == '#') {
				while (i < length && expression.charAt(i) != '\n') {
					i++;
				}
			}
			else if (c == '"' || c == '\'' || c == '`') {
				StringBuilder value = new StringBuilder();
				i++;
				while (i < length && expression.charAt(i) != c) {
					if (expression.charAt(i) == '\\' && c != '`' && i + 1 < length) {
						i++;
					}
					value.append(expression.charAt(i));
					i++;
				}
				if (i >= length) {
					throw new IllegalArgumentException("Unterminated string in: " + expression);
				}
				i++;
				tokens.add(new Token(Kind.STRING, value.toString()));
			}
			else if (c == '$') {
				int start = i;
				i++;
				if (i < length && expression.charAt(i) == '{') {
					while (i < length && expression.charAt(i) != '}') {
						i++;
					}
					i++;
				}
				else {
					while (i < length && isIdentifierPart(expression.charAt(i))) {
						i++;
					}
				}
				tokens.add(new Token(Kind.VARIABLE, expression.substring(start, Math.min(i, length))));
			}
			else if (Character.isDigit(c)
					|| (c == '.' && i + 1 < length && Character.isDigit(expression.charAt(i + 1)))) {
				// Numbers, hex numbers, exponents and durations such as 5m or 1h30m.
				int start = i;
				while (i < length && (Character.isLetterOrDigit(expression.charAt(i)) || expression.charAt(i) == '.'
						|| expression.charAt(i) == '_')) {
					i++;
				}
				tokens.add(new Token(Kind.NUMBER, expression.substring(start, i)));
			}
			else if (Character.isLetter(c) || c == '_' || c == ':') {
				int start = i;
				while (i < length && isIdentifierPart(expression.charAt(i))) {
					i++;
				}
				tokens.add(new Token(Kind.IDENTIFIER, expression.substring(start, i)));
			}
			else if ("(){}[],".indexOf(c) >= 0) {
				tokens.add(new Token(Kind.PUNCTUATION, String.valueOf(c)));
				i++;
			}
			else {
				int start = i;
				i++;
				if (i < length && "=~".indexOf(expression.charAt(i)) >= 0 && "=!<>".indexOf(c) >= 0) {
					i++;
				}
				tokens.add(new Token(Kind.OPERATOR, expression.substring(start, i)));
			}
		}
		return tokens;
	}

	private static boolean isIdentifierPart(char c) {
		return Character.isLetterOrDigit(c) || c == '_' || c == ':';
	}

}
