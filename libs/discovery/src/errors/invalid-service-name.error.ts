/** The service-name rule and its error live in @nestrpc/common (one rule for every package). */
export { InvalidServiceNameError } from '@nestrpc/common';
