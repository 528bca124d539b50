/** whatsapp-web.js brings puppeteer; this machine is offline, so use Debian's chromium (CHROMIUM_PATH). */
module.exports = { skipDownload: true };
