package cloud.acedata.dreamina.bridge;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import java.util.List;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The shape of the code, checked on the compiled classes. The packages are layers a newcomer reads bottom-up, each
 * using only those below it (so there is no cycle, and a change in one never needs the ones above it); the
 * application's own classes ({@code DreaminaBridgeApplication}, {@code StartFailure}) sit on top. The Tasks API
 * simulator in the jar serves local mode only: the bridge never depends on it, and it depends on nothing of the
 * bridge (it follows the API's contract, not the client's code).
 */
class ArchitectureTest {

    private static final String BRIDGE = "cloud.acedata.dreamina.bridge";
    /** Bottom first. */
    private static final List<String> LAYERS =
            List.of("util", "config", "task", "api", "delivery", "schedule", "kafka", "observe", "camel", "local");

    private static final JavaClasses PRODUCT = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages(BRIDGE);

    @Test
    void eachPackageUsesOnlyThePackagesBelowIt() {
        for (int i = 0; i < LAYERS.size() - 1; i++) {
            String[] above = LAYERS.subList(i + 1, LAYERS.size()).stream()
                    .map(layer -> BRIDGE + "." + layer + "..")
                    .toArray(String[]::new);
            noClasses().that().resideInAPackage(BRIDGE + "." + LAYERS.get(i) + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(above)
                    .check(PRODUCT);
        }
        noClasses().that().resideOutsideOfPackage(BRIDGE)
                .should().dependOnClassesThat().resideInAPackage(BRIDGE)
                .check(PRODUCT);
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
