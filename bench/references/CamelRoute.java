// An Apache Camel route kafka -> spring-rabbitmq with publisher confirms, as a Java shop would write it; stops after `count` messages.
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.Main;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

public final class CamelRoute {
    public static void main(String[] args) throws Exception {
        String brokers = args[0];
        String topic = args[1];
        String amqpUri = args[2];
        String queue = args[3];
        int count = Integer.parseInt(args[4]);
        CachingConnectionFactory rabbit = new CachingConnectionFactory(new java.net.URI(amqpUri));
        rabbit.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        Main main = new Main();
        main.bind("rabbit", rabbit);
        main.configure().addRoutesBuilder(new RouteBuilder() {
            @Override
            public void configure() {
                from("kafka:" + topic + "?brokers=" + brokers + "&groupId=bench-camel-" + System.nanoTime() + "&autoOffsetReset=earliest")
                    .to("spring-rabbitmq:default?routingKey=" + queue + "&connectionFactory=#rabbit&confirm=enabled");
            }
        });
        main.configure().setDurationMaxMessages(count);
        main.run();
        rabbit.destroy();
    }
}
