package io.llmfallback.architecture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

/**
 * What the user guide calls the public API, and the checks that keep the code to it.
 * Shared with the gate module's architecture tests through this module's test jar.
 */
public final class PublicApi {

	private static final Path USER_GUIDE = Path.of("..", "docs", "user-guide.md");

	private static final String SECTION = "## Public API";

	/**
	 * The test kit's package: a module of its own, on the test class path of the modules
	 * whose tests use it.
	 */
	private static final String TEST_KIT = "io.llmfallback.test";

	private PublicApi() {
	}

	/**
	 * The types the user guide lists for one module: the first cell of each table row
	 * that names a type in back-quotes, under the "### " heading that names the module.
	 */
	public static Set<String> documented(String module) {
		List<String> lines = read();
		Set<String> types = new LinkedHashSet<>();
		boolean inSection = false;
		boolean inModule = false;
		for (String line : lines) {
			if (line.startsWith("## ")) {
				inSection = line.equals(SECTION);
				inModule = false;
			}
			else if (inSection && line.startsWith("### ")) {
				inModule = line.contains("`" + module + "`");
			}
			else if (inModule && line.startsWith("| `io.llmfallback.")) {
				types.add(line.substring(3, line.indexOf('`', 3)));
			}
		}
		return types;
	}

	public static Set<String> publicTypesOutsideInternalPackages(JavaClasses classes) {
		Set<String> types = new LinkedHashSet<>();
		for (JavaClass type : classes) {
			if (type.getModifiers().contains(JavaModifier.PUBLIC) && type.isTopLevelClass() && !isInternal(type)
					&& !type.getPackageName().equals(TEST_KIT)) {
				types.add(type.getName());
			}
		}
		return types;
	}

	/**
	 * Fails a public type whose public or protected constructors, methods or fields take
	 * or give a type of an internal package, generics included.
	 */
	public static ArchCondition<JavaClass> exposeNoInternalType() {
		return new ArchCondition<>("expose no type of an ..internal.. package in a public signature") {

			@Override
			public void check(JavaClass type, ConditionEvents events) {
				Stream<JavaCodeUnit> codeUnits = type.getCodeUnits()
					.stream()
					.filter((unit) -> isVisible(unit.getModifiers())
							&& !unit.getModifiers().contains(JavaModifier.SYNTHETIC));
				codeUnits.forEach((unit) -> {
					unit.getParameterTypes().forEach((parameter) -> report(events, unit.getFullName(), parameter));
					report(events, unit.getFullName(), unit.getReturnType());
				});
				for (JavaField field : type.getFields()) {
					if (isVisible(field.getModifiers())) {
						report(events, field.getFullName(), field.getType());
					}
				}
			}

		};
	}

	private static void report(ConditionEvents events, String member, JavaType signatureType) {
		for (JavaClass involved : signatureType.getAllInvolvedRawTypes()) {
			if (isInternal(involved)) {
				events.add(SimpleConditionEvent.violated(member, member + " exposes internal " + involved.getName()));
			}
		}
	}

	private static boolean isVisible(Set<JavaModifier> modifiers) {
		return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
	}

	private static boolean isInternal(JavaClass type) {
		String name = type.getPackageName();
		return name.contains(".internal.") || name.endsWith(".internal");
	}

	private static List<String> read() {
		try {
			return Files.readAllLines(USER_GUIDE);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
