package io.llmfallback.contract;

import java.lang.annotation.Annotation;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.llmfallback.contract.internal.JsonOutput;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/**
 * Maps a model's JSON output onto a Java type, typically a record. An output that does
 * not map is a contract violation of the provider that wrote it, so a chain can move on
 * to the next provider instead of handing the caller an exception from deep inside a JSON
 * library.
 * <p>
 * For a record, every component is a required field unless it is annotated
 * {@code @Nullable} or is an {@code Optional}: a missing or {@code null} field is a
 * violation, where plain Jackson would quietly pass {@code null} or {@code 0}. Values are
 * not coerced: a fraction for an integer, or a number or boolean for a text, is a
 * violation too. Fields the type does not declare are ignored, as models add them freely.
 * The field coverage of a check is the share of the record's components the output has.
 *
 * @param <T> the type the output maps onto
 */
public final class ResultMapping<T> {

	// Strict on values as well as on presence: a model writing 1.7 for an int or 5 for a
	// text is wrong, not something to round or stringify.
	private static final JsonMapper JSON = JsonMapper.builder()
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
		.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
		.withCoercionConfig(LogicalType.Textual,
				(config) -> config.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
					.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
					.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
		.build();

	private static final ClassValue<ResultMapping<?>> MAPPINGS = new ClassValue<>() {

		@Override
		protected ResultMapping<?> computeValue(Class<?> type) {
			return new ResultMapping<>(type);
		}

	};

	private final Class<T> type;

	/** The JSON names of the record's components; empty for other types. */
	private final List<String> fields;

	/** The JSON names of the components that must be present and non-null. */
	private final List<String> requiredFields;

	private ResultMapping(Class<T> type) {
		this.type = type;
		RecordComponent[] components = type.isRecord() ? type.getRecordComponents() : new RecordComponent[0];
		this.fields = Arrays.stream(components).map(ResultMapping::jsonName).toList();
		this.requiredFields = Arrays.stream(components)
			.filter((component) -> !isOptional(component))
			.map(ResultMapping::jsonName)
			.toList();
	}

	/** The mapping onto the type; found once per type. */
	@SuppressWarnings("unchecked")
	public static <T> ResultMapping<T> to(Class<T> type) {
		return (ResultMapping<T>) MAPPINGS.get(type);
	}

	/** Maps one output, from plain JSON or JSON in a Markdown code fence. */
	public Mapped<T> map(String output) {
		JsonNode json = JsonOutput.parse(output);
		if (json == null) {
			return Mapped.violation("output is not JSON, so it cannot be mapped onto " + this.type.getSimpleName(),
					this.fields.isEmpty() ? null : 0.0);
		}
		Double coverage = this.fields.isEmpty() ? null
				: (double) this.fields.stream().filter((name) -> isPresent(json, name)).count() / this.fields.size();
		List<String> violations = new ArrayList<>();
		for (String name : this.requiredFields) {
			if (!isPresent(json, name)) {
				violations.add(this.type.getSimpleName() + "." + name + " is missing from the output");
			}
		}
		if (!violations.isEmpty()) {
			return new Mapped<>(null, new ContractCheck(violations, false, coverage));
		}
		try {
			T value = JSON.treeToValue(json, this.type);
			if (value == null) {
				return Mapped.violation("output is JSON null, not a " + this.type.getSimpleName(), coverage);
			}
			return new Mapped<>(value, new ContractCheck(List.of(), true, coverage));
		}
		catch (JacksonException ex) {
			return Mapped.violation(
					"output does not map onto " + this.type.getSimpleName() + ": " + ex.getOriginalMessage(), coverage);
		}
	}

	private static boolean isPresent(JsonNode json, String name) {
		return json.isObject() && json.has(name) && !json.get(name).isNull();
	}

	private static String jsonName(RecordComponent component) {
		// @JsonProperty cannot target a record component itself; on one, it lands on the
		// accessor.
		JsonProperty property = component.getAccessor().getAnnotation(JsonProperty.class);
		return (property != null && !property.value().isEmpty()) ? property.value() : component.getName();
	}

	private static boolean isOptional(RecordComponent component) {
		if (component.getType() == Optional.class) {
			return true;
		}
		// Any @Nullable will do (JSpecify's is a type annotation, older ones are
		// declaration annotations).
		return Stream
			.concat(Arrays.stream(component.getAnnotatedType().getAnnotations()),
					Arrays.stream(component.getAnnotations()))
			.map(Annotation::annotationType)
			.anyMatch((annotation) -> annotation.getSimpleName().equals("Nullable"));
	}

	/**
	 * One output's mapping.
	 *
	 * @param value the mapped value, {@code null} when the output does not map
	 * @param check the violations that kept it from mapping (empty when it mapped), with
	 * the output's compliance and field coverage
	 * @param <T> the mapped type
	 */
	public record Mapped<T>(@Nullable T value, ContractCheck check) {

		static <T> Mapped<T> violation(String violation, @Nullable Double coverage) {
			return new Mapped<>(null, new ContractCheck(List.of(violation), false, coverage));
		}

	}

}
