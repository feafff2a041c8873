package cloud.acedata.dreamina.bridge;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The shape of the code, checked on the compiled classes: the packages depend one way (a newcomer can read them
 * bottom-up: {@code util}, {@code task}, {@code api}, {@code schedule}, {@code kafka}, {@code observe},
 * {@code camel}), so a change in one never needs the ones above it.
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
}
