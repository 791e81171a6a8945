/** The contract both apps import: an abstract class names the service and is the DI token. */
export abstract class HelloService {
  abstract sayHello(name?: string): Promise<string>;
}
