/** The one stylesheet: system fonts, calm clinical palette, visible focus, no framework. */
export const stylesheet = `
:root{--bg:#f5f7f9;--card:#fff;--ink:#1c2733;--muted:#5b6b7a;--line:#dde3e9;--brand:#0f766e;--brand-ink:#fff;
--ok:#15803d;--ok-bg:#ecfdf3;--down:#b42318;--down-bg:#fef3f2;--warn:#9a6700;--warn-bg:#fff8e6;--focus:#2563eb;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg)}
*{box-sizing:border-box}body{margin:0;line-height:1.5;font-size:15px}
a{color:var(--brand)}a:hover{text-decoration-thickness:2px}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.wrap{max-width:1120px;margin:0 auto;padding:0 20px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:8px 12px;z-index:10}.skip:focus{left:8px}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.top{background:#0b3b39;color:#fff}.top-inner{display:flex;align-items:center;gap:12px;min-height:52px;flex-wrap:wrap;max-width:1280px}
.brand{color:#fff;font-weight:700;font-size:18px;text-decoration:none;letter-spacing:.2px;white-space:nowrap}.logo{color:#5eead4;margin-right:4px}
.menu{order:3;flex:1 0 100%}.menu>summary{list-style:none;cursor:pointer;color:#d6f5f1;padding:5px 10px;border:1px solid rgba(255,255,255,.25);border-radius:6px;width:max-content;font-size:14px}
.menu>summary::-webkit-details-marker{display:none}.menu[open]>summary{background:rgba(255,255,255,.12)}
.top-inner>.menu:not([open]){flex:0 0 auto;order:1;margin-left:auto}.menu[open]{padding-bottom:8px}
.top nav ul{display:flex;flex-direction:column;gap:2px;list-style:none;margin:8px 0 0;padding:0}
.top nav a{color:#d6f5f1;text-decoration:none;padding:6px 10px;border-radius:6px;display:block;white-space:nowrap}
.top nav a:hover{background:rgba(255,255,255,.08)}.top nav a[aria-current=page]{background:rgba(255,255,255,.16);color:#fff}
.dot-down{color:#fca5a5}
.who{order:2;margin:0 0 0 auto;font-size:13px;color:#a7d8d2;display:flex;gap:8px;align-items:center;min-width:0}.who form{margin:0}
.top-inner>.menu:not([open])~.who{margin-left:0}
.who-name{overflow:hidden;text-overflow:ellipsis;white-space:nowrap;max-width:16ch}
.who .button-small{color:#d6f5f1;padding:3px 8px;font-size:13px;white-space:nowrap}.who .button-small:hover{background:rgba(255,255,255,.08)}
@media (max-width:479px){.who-name{display:none}}
@supports selector(::details-content){@media (min-width:1024px){
.top-inner{flex-wrap:nowrap;gap:20px}.top-inner>.menu,.top-inner>.menu:not([open]){order:1;flex:1 1 auto;margin:0;padding:0;min-width:0}
.menu>summary{display:none}.menu::details-content{content-visibility:visible;display:contents}
.top nav ul{flex-direction:row;margin:0;gap:2px}.top nav a{padding:6px 9px;font-size:14px}
.who{margin:0}.who-name{max-width:22ch}}}
.login{max-width:420px;margin:24px auto}
.banner{padding:10px 0;font-size:14px}.banner-down{background:var(--down-bg);color:var(--down);border-bottom:1px solid #fecdca}
.banner-info{background:var(--ok-bg);color:var(--ok);border-bottom:1px solid #abefc6}
.banner .hint{color:var(--ink);opacity:.8}
main.wrap{padding-top:24px;padding-bottom:40px;outline:none}
.page-head{margin-bottom:18px}.page-head h1{margin:0 0 4px;font-size:26px}.lead{color:var(--muted);margin:0}
.row{display:flex;justify-content:space-between;align-items:flex-end;gap:16px;flex-wrap:wrap}
.crumbs{margin:0 0 4px;color:var(--muted);font-size:13px}
.actions{display:flex;gap:8px;flex-wrap:wrap}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:18px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 20px;margin-bottom:18px;box-shadow:0 1px 2px rgba(16,24,40,.04)}
.card h2{margin:0 0 12px;font-size:18px}.card-head{display:flex;justify-content:space-between;align-items:center;gap:12px;margin-bottom:8px}
.card-head h2{margin:0}.card-actions{margin:14px 0 0}
.count{background:var(--bg);border:1px solid var(--line);border-radius:999px;padding:0 8px;font-size:13px;color:var(--muted);margin-left:6px}
.pill{border-radius:999px;padding:2px 10px;font-size:13px;font-weight:600}
.pill-ok{background:var(--ok-bg);color:var(--ok)}.pill-down{background:var(--down-bg);color:var(--down)}
.facts{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:10px 18px;margin:0}
.facts div.wide{grid-column:1/-1}.facts dt{font-size:12px;text-transform:uppercase;letter-spacing:.5px;color:var(--muted)}
.facts dd{margin:0;font-weight:500;overflow-wrap:anywhere}.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:13px}
.muted{color:var(--muted);font-weight:400}
.gauge{margin-top:14px}.gauge-label{display:flex;justify-content:space-between;font-size:13px;color:var(--muted)}
meter{width:100%;height:12px}
.callout{border-radius:8px;padding:12px 14px;margin:0 0 16px;border:1px solid}.callout p{margin:4px 0}.callout h2{font-size:16px;margin:0 0 6px}
.callout-down{background:var(--down-bg);border-color:#fecdca;color:#7a271a}.callout-ok{background:var(--ok-bg);border-color:#abefc6;color:#05603a}
.callout-warn{background:var(--warn-bg);border-color:#fedf89;color:#7a4d00}.callout ul{margin:6px 0 0;padding-left:20px}.callout a{color:inherit}
.hint{color:var(--muted)}
.button{display:inline-block;border:1px solid var(--line);background:#fff;color:var(--ink);border-radius:8px;padding:7px 14px;
font:inherit;font-weight:500;text-decoration:none;cursor:pointer;line-height:1.4}
.button:hover{background:#f0f3f6}.button-primary{background:var(--brand);border-color:var(--brand);color:var(--brand-ink)}
.button-primary:hover{background:#0b5f59}.button-danger{color:var(--down);border-color:#fecdca}.button-danger:hover{background:var(--down-bg)}
.button-quiet{border-color:transparent;background:transparent}
.toolbar{display:flex;gap:12px;align-items:flex-end;flex-wrap:wrap;margin-bottom:16px}
.field{margin-bottom:14px}.field.inline{margin:0}.field label{display:block;font-weight:600;margin-bottom:4px;font-size:14px}
input,select,textarea{font:inherit;border:1px solid #b8c2cc;border-radius:7px;padding:7px 10px;background:#fff;color:var(--ink);min-width:220px}
textarea{width:100%;max-width:560px}.form input[type=text],.form input[type=tel],.form input[type=date],.form input[type=password],.form select{width:100%;max-width:420px}
input[type=checkbox]{min-width:0;width:18px;height:18px}
.has-error input,.has-error select,.has-error textarea{border-color:var(--down);box-shadow:0 0 0 1px var(--down)}
.error{color:var(--down);margin:0 0 4px;font-size:14px;font-weight:500}
.form-actions{display:flex;gap:8px;margin-top:8px}
.table{width:100%;border-collapse:collapse;background:#fff;border:1px solid var(--line);border-radius:10px;overflow:hidden}
.table th,.table td{text-align:left;padding:9px 12px;border-bottom:1px solid var(--line);vertical-align:top}
.table thead th{background:#f0f4f7;font-size:13px;color:var(--muted);font-weight:600}
.table tbody tr:last-child td,.table tbody tr:last-child th{border-bottom:0}
.table .num{text-align:right;font-variant-numeric:tabular-nums}.row-actions a{margin-right:10px}
.table caption{text-align:left;padding:0 0 8px;color:var(--muted);font-size:13px}
.replicas{margin:12px 0;overflow-x:auto}.replicas h3{font-size:15px;margin:0 0 6px}.replicas-table td,.replicas-table th{font-size:13px;padding:6px 8px}.replicas-table .mono{word-break:break-all}
.compare tbody th{font-weight:500;width:220px}.compare tr.diff td,.compare tr.diff th{background:#fff4e5}
.compare tr.diff td{font-weight:600;color:#7a4d00}.compare tr.section th{background:#f0f4f7;font-weight:700}
.badge{font-size:11px;text-transform:uppercase;letter-spacing:.4px;background:#f79009;color:#fff;border-radius:4px;padding:1px 5px;margin-left:6px}
.table-scroll{overflow-x:auto;max-width:100%;margin-bottom:2px}
@media (max-width:639px){.table{font-size:14px}.table th,.table td{padding:8px 9px}.table-scroll>.table:not(.findings) td,.table-scroll>.table:not(.findings) th{white-space:nowrap}.findings thead{display:none}.findings,.findings tbody,.findings tr,.findings td,.findings th{display:block;width:auto!important}.findings td,.findings th{border:0;padding:4px 10px}.findings tr{border-bottom:1px solid var(--line);padding:6px 0}}
.pager{display:flex;gap:10px;align-items:center;margin-top:14px}
.empty{color:var(--muted);background:#fff;border:1px dashed var(--line);border-radius:10px;padding:18px;text-align:center}
.links{padding-left:20px}
.status{font-size:13px;border-radius:999px;padding:1px 9px;background:#eef2f6;text-transform:capitalize}
.status-scheduled{background:#eff8ff;color:#175cd3}.status-completed{background:var(--ok-bg);color:var(--ok)}
.status-cancelled,.status-no_show{background:#f2f4f7;color:var(--muted)}
.foot{color:var(--muted);font-size:13px;padding-bottom:30px}
.tabs ul{display:flex;gap:4px;list-style:none;margin:0 0 16px;padding:0;border-bottom:1px solid var(--line);flex-wrap:wrap}
.tabs a{display:inline-block;padding:7px 14px;text-decoration:none;border:1px solid transparent;border-bottom:0;border-radius:8px 8px 0 0;margin-bottom:-1px}
.tabs a[aria-current=page]{background:#fff;border-color:var(--line);color:var(--ink);font-weight:600}
.downloads{display:flex;gap:8px;align-items:center;flex-wrap:wrap;margin:0 0 14px;color:var(--muted)}
.erd{margin:0}.erd-canvas{background:#fff;border:1px solid var(--line);border-radius:10px;padding:12px;overflow:auto}
.erd-canvas svg{display:block;max-width:100%;height:auto;margin:0 auto}.erd-zoom{margin:0 6px 10px 0;vertical-align:middle}.erd-zoom-label{font-size:14px}
.erd-zoom:checked~.erd .erd-canvas{max-height:80vh}.erd-zoom:checked~.erd .erd-canvas svg{max-width:none;margin:0}.erd-canvas svg text{font-family:Helvetica,Arial,carepool-erd,sans-serif}
@font-face{font-family:carepool-erd;src:local("DejaVu Sans Condensed"),url(/static/fonts/erd-sans.ttf) format("truetype")}
@font-face{font-family:carepool-erd;font-weight:700;src:local("DejaVu Sans Condensed Bold"),url(/static/fonts/erd-sans-bold.ttf) format("truetype")}
.erd figcaption{color:var(--muted);font-size:13px;margin-top:8px}
.differences{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:13px}
.legend{font-size:13px}.swatch{display:inline-block;width:12px;height:12px;border:1px solid #4a5a6a;vertical-align:-1px;margin:0 4px 0 10px}
.swatch-left{background:#f6d5d5}.swatch-right{background:#d3efd9}.swatch-changed{background:#fff1c2}
.findings th.mono{font-weight:500;white-space:nowrap;width:1%}.findings td:first-child{width:1%;white-space:nowrap}
.findings td{overflow-wrap:anywhere}.doctor-url{overflow-wrap:anywhere;margin:0 0 12px}.finding-line{margin:4px 0 0;font-size:14px}.finding-key{font-weight:600;margin-right:4px}
.finding-status{font-size:13px;font-weight:600;border-radius:999px;padding:1px 9px;background:#eef2f6;color:var(--muted)}
.fs-ok{background:var(--ok-bg);color:var(--ok)}.fs-warn{background:var(--warn-bg);color:var(--warn)}
.fs-fail{background:var(--down-bg);color:var(--down)}.fs-info{background:#eff8ff;color:#175cd3}
.findings tr.finding-fail td,.findings tr.finding-fail th{background:#fffbfa}.findings tr.finding-warn td,.findings tr.finding-warn th{background:#fffdf5}
.attention-list{list-style:none;margin:0;padding:0}.attention-list li{padding:8px 0;border-bottom:1px solid var(--line)}
.attention-list li:last-child{border-bottom:0}.attention-list a{margin:0 6px}
.fold{margin-top:10px}.fold>summary{cursor:pointer;color:var(--muted);font-weight:500;padding:6px 0}.fold[open]>summary{margin-bottom:8px}
.cards-wide{grid-template-columns:minmax(0,1fr)}.live-chart{margin:14px 0 0;min-width:0}.live-plot{min-height:300px;min-width:0;overflow:hidden}
.live-plot .uplot{font-family:inherit}.live-plot .u-legend{font-size:13px;color:var(--ink)}.live-plot .u-legend .u-value{font-variant-numeric:tabular-nums}
.live-chart figcaption{font-size:13px;margin-top:4px}
`;
