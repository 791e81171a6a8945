export * from './hello.service';
export * from './inventory.service';
