package cloud.acedata.dreamina.bridge;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The shape of the code, checked on the compiled classes: the packages depend one way (a newcomer can read them
 * bottom-up: {@code util}, {@code task}, {@code api}, {@code schedule}, {@code kafka}, {@code observe},
 * {@code camel}), so a change in one never needs the ones above it; and the Tasks API simulator in the jar serves
 * local mode only: the bridge never depends on it, and it depends on nothing of the bridge (it follows the API's
 * contract, not the client's code).
 */
class ArchitectureTest {

    private static final JavaClasses PRODUCT = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("cloud.acedata.dreamina.bridge");

    @Test
    void thePackagesHaveNoCycles() {
        slices().matching("cloud.acedata.dreamina.bridge.(*)..").should().beFreeOfCycles().check(PRODUCT);
    }

    @Test
    void onlyLocalModeUsesTheSimulatorAndTheSimulatorUsesNothingOfTheBridge() {
        noClasses().that().resideOutsideOfPackages("..bridge.local..", "..bridge.simulator..")
                .should().dependOnClassesThat().resideInAPackage("..bridge.simulator..")
                .check(PRODUCT);
        noClasses().that().resideInAPackage("..bridge.simulator..")
                .should().dependOnClassesThat().resideOutsideOfPackages("..bridge.simulator..", "java..",
                        "com.fasterxml..", "org.slf4j..", "com.sun.net.httpserver..")
                .check(PRODUCT);
    }
}
