package dev.mlops.testkit.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.mlops.api.archfixture.ApiThatBreaksTheRules;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The arrows of the module map: api on the JDK only, no reaching into another module's internals,
 * a core that knows nothing of Kafka, MLflow or S3, and a public API without checked exceptions.
 * The testkit sees every library module, so the rules run here over all of them.
 */
class ArchitectureTest {
    private static final List<String> MODULES = List.of("api", "core", "s3", "kafka", "mlflow", "testkit");

    private static JavaClasses sdk;

    @BeforeAll
    static void importTheSdk() {
        sdk = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.mlops");
        assertThat(sdk.stream().map(JavaClass::getPackageName))
                .contains("dev.mlops.api", "dev.mlops.api.event", "dev.mlops.core.platform", "dev.mlops.core.event",
                        "dev.mlops.testkit", "dev.mlops.kafka", "dev.mlops.s3", "dev.mlops.mlflow");
    }

    static final ArchRule API_DEPENDS_ON_THE_JDK_ONLY = classes()
            .that().resideInAPackage("dev.mlops.api..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.mlops.api..")
            .because("mlops-api is the JDK-only contract every implementation shares");

    static final ArchRule CORE_KNOWS_NOTHING_OF_KAFKA_MLFLOW_OR_S3 = noClasses()
            .that().resideInAPackage("dev.mlops.core..")
            .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "org.mlflow..",
                    "software.amazon..", "dev.mlops.kafka..", "dev.mlops.mlflow..", "dev.mlops.s3..",
                    "dev.mlops.testkit..")
            .because("Kafka, MLflow and S3 plug into the core through SPIs, never the other way round");

    static final ArchRule ADAPTERS_DO_NOT_DEPEND_ON_EACH_OTHER = noClasses()
            .that().resideInAnyPackage("dev.mlops.s3..", "dev.mlops.kafka..", "dev.mlops.mlflow..")
            .should(dependOnAnotherAdapter());

    static final ArchRule PUBLIC_API_THROWS_NO_CHECKED_EXCEPTIONS = codeUnits()
            .that().arePublic()
            .and().areDeclaredInClassesThat().arePublic()
            .and().areDeclaredInClassesThat().resideOutsideOfPackage("..internal..")
            .and().areDeclaredInClassesThat().areNotAnnotatedWith(FunctionalInterface.class)
            .should(declareNoCheckedExceptions())
            .because("methods callers invoke throw unchecked exceptions only; callbacks users implement"
                    + " (functional interfaces) may throw");

    private static ArchRule noReachingInto(String module) {
        return noClasses()
                .that().resideOutsideOfPackage("dev.mlops." + module + "..")
                .should().dependOnClassesThat().resideInAPackage("dev.mlops." + module + "..internal..")
                .because("internal packages of mlops-" + module + " are its own business");
    }

    @Test
    void apiDependsOnTheJdkOnly() {
        API_DEPENDS_ON_THE_JDK_ONLY.check(sdk);
    }

    @Test
    void noModuleReachesIntoAnotherModulesInternalPackages() {
        for (String module : MODULES) {
            noReachingInto(module).check(sdk);
        }
    }

    @Test
    void coreKnowsNothingOfKafkaMlflowOrS3() {
        CORE_KNOWS_NOTHING_OF_KAFKA_MLFLOW_OR_S3.check(sdk);
    }

    @Test
    void adaptersDoNotDependOnEachOther() {
        ADAPTERS_DO_NOT_DEPEND_ON_EACH_OTHER.check(sdk);
    }

    @Test
    void publicApiMethodsThrowNoCheckedExceptions() {
        PUBLIC_API_THROWS_NO_CHECKED_EXCEPTIONS.check(sdk);
    }

    @Test
    void theRulesCatchViolations() {
        JavaClasses bad = new ClassFileImporter().importClasses(ApiThatBreaksTheRules.class);
        assertThat(PUBLIC_API_THROWS_NO_CHECKED_EXCEPTIONS.evaluate(bad).getFailureReport().getDetails())
                .singleElement().asString().contains("ApiThatBreaksTheRules.load(java.nio.file.Path)",
                        "java.io.IOException");
        assertThat(API_DEPENDS_ON_THE_JDK_ONLY.evaluate(bad).hasViolation()).isTrue();
        assertThat(API_DEPENDS_ON_THE_JDK_ONLY.evaluate(bad).getFailureReport().getDetails())
                .anySatisfy(line -> assertThat(line).contains("org.assertj.core.api.Condition"));
    }

    private static ArchCondition<JavaCodeUnit> declareNoCheckedExceptions() {
        return new ArchCondition<>("declare no checked exceptions") {
            @Override
            public void check(JavaCodeUnit unit, ConditionEvents events) {
                unit.getThrowsClause().getTypes().stream()
                        .filter(type -> type.isAssignableTo(Exception.class) && !type.isAssignableTo(RuntimeException.class))
                        .forEach(type -> events.add(SimpleConditionEvent.violated(unit,
                                unit.getFullName() + " declares checked " + type.getName())));
            }
        };
    }

    private static ArchCondition<JavaClass> dependOnAnotherAdapter() {
        return new ArchCondition<>("depend on another adapter module (s3, kafka, mlflow)") {
            @Override
            public void check(JavaClass source, ConditionEvents events) {
                String own = source.getPackageName().split("\\.")[2];
                source.getDirectDependenciesFromSelf().forEach(dependency -> {
                    String target = dependency.getTargetClass().getPackageName();
                    for (String adapter : List.of("s3", "kafka", "mlflow")) {
                        if (!adapter.equals(own) && (target.equals("dev.mlops." + adapter)
                                || target.startsWith("dev.mlops." + adapter + "."))) {
                            events.add(SimpleConditionEvent.violated(source, dependency.getDescription()));
                        }
                    }
                });
            }
        };
    }
}
