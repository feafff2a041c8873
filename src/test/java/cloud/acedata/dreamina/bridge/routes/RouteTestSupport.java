package cloud.acedata.dreamina.bridge.routes;

import cloud.acedata.dreamina.bridge.camel.OffsetCommit;
import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.component.seda.SedaComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.apache.camel.test.junit5.TestExecutionConfiguration;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * A route test without a broker: the real YAML files of {@code routes/} and the real
 * {@code config/application.properties}, loaded into a {@link CamelTestSupport} context, with the {@code kafka:}
 * endpoints replaced by in-memory stubs. The context starts when the test says so ({@link #startContext()}), after any
 * {@link org.apache.camel.builder.AdviceWith} of its own.
 */
abstract class RouteTestSupport extends CamelTestSupport {

    static final String OUTPUT = "dreamina.topic.output";
    static final String DEAD_LETTER = "dreamina.topic.dead-letter";
    static final String PENDING = "dreamina.topic.pending";
    private static final List<String> TOPICS = List.of(OUTPUT, DEAD_LETTER, PENDING);

    /** The route files under test, by name in {@code routes/} (the error policy is always loaded). */
    protected abstract List<String> routeFiles();

    /** Properties that differ from {@code config/application.properties} in this test. */
    protected Properties overrides() {
        Properties overrides = new Properties();
        // A failed write is retried, but quickly: the behaviour is under test, not the delay.
        overrides.setProperty("dreamina.kafka.write-retries", "2");
        overrides.setProperty("dreamina.kafka.write-retry-delay-ms", "1");
        return overrides;
    }

    /**
     * No broker: every {@code kafka:} endpoint is a stub (an in-memory queue) that keeps its {@code kafka:} URI, so
     * the error policy's {@code interceptSendToEndpoint} on {@code kafka:*} applies as in production. What a route
     * writes to a topic is read back by {@link #topic}. (Mocking the endpoints instead, by
     * {@code AdviceWith.mockEndpointsAndSkip} or Camel test support's auto-mocking, puts the mock in front of that
     * interception: a test would see headers the policy removes.)
     */
    @Override
    public void configureContext(CamelContextConfiguration configuration) {
        super.configureContext(configuration);
        configuration.withStubEndpoints("kafka:*");
    }

    @Override
    public void configureTest(TestExecutionConfiguration configuration) {
        super.configureTest(configuration);
        configuration.withUseAdviceWith(true);
    }

    /**
     * Starts the context, after any {@link org.apache.camel.builder.AdviceWith} of the test. (Unlike camel-main, a
     * test context does not apply the {@code camel.component.*} options of the properties file: the HTTP client here
     * has HttpClient's defaults; {@code HttpClientCheckTest} covers those options.)
     */
    protected void startContext() throws Exception {
        // The stubbed topics' readers notice a stop at once instead of after a 1 s poll.
        context.getComponent("kafka", SedaComponent.class).setDefaultPollTimeout(50);
        context.start();
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        context.getPropertiesComponent().setLocation("file:config/application.properties");
        context.getPropertiesComponent().setOverrideProperties(overrides());
        return context;
    }

    /** The error policy commits the input offset with the bridge's own bean. */
    @Override
    protected void bindToRegistry(Registry registry) throws Exception {
        registry.bind("offsetCommit", new OffsetCommit());
    }

    @Override
    protected RoutesBuilder[] createRouteBuilders() throws Exception {
        List<Resource> resources = new ArrayList<>();
        resources.add(ResourceHelper.resolveMandatoryResource(context, "file:routes/error-policy.camel.yaml"));
        for (String file : routeFiles()) {
            resources.add(ResourceHelper.resolveMandatoryResource(context, "file:routes/" + file));
        }
        List<RoutesBuilder> builders = new ArrayList<>(PluginHelper.getRoutesLoader(context)
                .findRoutesBuilders(resources));
        builders.add(new RouteBuilder() {
            @Override
            public void configure() {
                for (String topic : TOPICS) {
                    from("kafka:{{" + topic + "}}").routeId("read-" + topic).to("mock:" + topic);
                }
            }
        });
        return builders.toArray(RoutesBuilder[]::new);
    }

    /**
     * What the routes wrote to a topic, by its key in {@code config/application.properties}
     * ({@code dreamina.topic.output}, {@code .dead-letter}, {@code .pending}).
     */
    protected MockEndpoint topic(String topicKey) {
        return getMockEndpoint("mock:" + topicKey);
    }
}
