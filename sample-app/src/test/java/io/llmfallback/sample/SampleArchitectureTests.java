package io.llmfallback.sample;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The sample stands for an application: what it does, it does through the public API the
 * user guide lists, without a type of the library's internal packages.
 */
@AnalyzeClasses(packages = "io.llmfallback.sample", importOptions = ImportOption.DoNotIncludeTests.class)
class SampleArchitectureTests {

	@ArchTest
	static final ArchRule usesNoInternalType = noClasses().should()
		.dependOnClassesThat()
		.resideInAPackage("io.llmfallback..internal..");

}
