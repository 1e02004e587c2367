// Loads a sweep report in Debian's chromium (headless, through playwright-core) and checks what a reader
// gets: no console errors, every image and inline SVG rendered with a non-zero size, every internal link
// (#anchor) pointing at an element of the page and every relative link at a file next to the report.
// usage: node report.test.js REPORT.html SCREENSHOT.png
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.SWEEP_CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
              '--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function main() {
    const [report, shot] = process.argv.slice(2);
    if (!report || !shot) { console.error('usage: node report.test.js REPORT.html SCREENSHOT.png'); return 2; }
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'sweep-chromium-'));
    const failures = [];
    const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 900 },
    });
    try {
        const page = await context.newPage();
        page.on('console', (m) => { if (m.type() === 'error') failures.push(`console error: ${m.text()}`); });
        page.on('pageerror', (e) => failures.push(`page error: ${e.message}`));
        page.on('requestfailed', (r) => failures.push(`request failed: ${r.url()}`));
        await page.goto('file://' + path.resolve(report), { waitUntil: 'load' });

        const found = await page.evaluate(() => {
            const size = (el) => { const r = el.getBoundingClientRect(); return [r.width, r.height]; };
            return {
                svgs: [...document.querySelectorAll('svg')].filter((s) => !s.parentElement.closest('svg'))
                    .map((s, i) => ({ i, size: size(s) })),
                imgs: [...document.querySelectorAll('img')].map((im) => ({ src: im.src, natural: im.naturalWidth, size: size(im) })),
                anchors: [...document.querySelectorAll('a[href^="#"]')].map((a) => a.getAttribute('href').slice(1))
                    .map((id) => ({ id, ok: !!document.getElementById(decodeURIComponent(id)) })),
                files: [...document.querySelectorAll('a[href]:not([href^="#"])')].map((a) => a.getAttribute('href')),
                headings: document.querySelectorAll('h1[id], h2[id], h3[id]').length,
                toc: !!document.querySelector('nav#contents'),
            };
        });
        for (const s of found.svgs)
            if (!(s.size[0] > 0 && s.size[1] > 0)) failures.push(`inline SVG #${s.i} has size ${s.size.join('x')}`);
        for (const im of found.imgs)
            if (!(im.natural > 0 && im.size[0] > 0 && im.size[1] > 0)) failures.push(`image ${im.src} not rendered`);
        for (const a of found.anchors) if (!a.ok) failures.push(`internal link #${a.id} points nowhere`);
        const dir = path.dirname(path.resolve(report));
        for (const href of found.files) {
            if (/^[a-z]+:/i.test(href)) { failures.push(`external link ${href}`); continue; }
            if (!fs.existsSync(path.join(dir, decodeURIComponent(href)))) failures.push(`link ${href}: no such file`);
        }
        if (!found.toc) failures.push('no table of contents (nav#contents)');
        if (found.svgs.length === 0) failures.push('no inline SVG at all: the report has no plots');
        await page.screenshot({ path: shot, fullPage: false });
        const fig = await page.$('figure');   // and the first plot as the page shows it
        if (fig) await fig.screenshot({ path: shot.replace(/\.png$/, '') + '-figure.png' });
        console.log(`browser: ${found.svgs.length} inline SVGs, ${found.imgs.length} images, ` +
                    `${found.anchors.length} internal links, ${found.files.length} file links, ` +
                    `${found.headings} anchored headings; screenshot ${shot}`);
    } finally {
        await context.close();
        fs.rmSync(profile, { recursive: true, force: true });
    }
    for (const f of failures) console.log(`FAIL ${f}`);
    return failures.length ? 1 : 0;
}

main().then((rc) => process.exit(rc), (e) => { console.error(`browser: ${e.stack || e}`); process.exit(1); });
