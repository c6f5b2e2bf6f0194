export { startDemoUpstream, type DemoUpstream } from './demo-upstream.js';
