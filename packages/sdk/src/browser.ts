/**
 * Script-tag entry (`dist/portrait.js`):
 * `<script async src="https://collect.example.com/portrait.js" data-write-key="wk_123"
 *   data-consent="required"></script>` — see `startScriptTag` for the attributes.
 * Capture plugins (clicks, pages, browsing, sessions, campaigns, e-commerce as
 * portrait.ecommerce; data-hash, data-vitals) install through the one argument below.
 */
import { scriptTagCapture } from './capture/script-tag-capture';
import { startScriptTag } from './script-tag';

startScriptTag(scriptTagCapture);
