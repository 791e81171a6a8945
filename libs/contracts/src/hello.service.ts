/** Who answered a call: lets the demo show load balancing. */
export interface Greeting {
  message: string;
  version: string;
  instance: string;
}

/** The classic contract. Shared by provider and consumer: the class is the DI token and names the service. */
export abstract class HelloService {
  abstract sayHello(name: string): Promise<string>;
  abstract greet(name: string): Promise<Greeting>;
}
