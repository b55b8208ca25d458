/**
 * Static assets, served by the pages function at `/static/<name>` (kept in code so the bundler
 * ships them with the function). The CSP allows only these same-origin files.
 */

const css = `
:root{--blue:#000091;--blue-dark:#1212ff;--grey:#3a3a3a;--grey-light:#f6f6f6;--border:#929292;--red:#ce0500;--red-bg:#ffe9e9;--orange:#716043;--orange-bg:#feecc2;--green:#18753c;--green-bg:#b8fec9;--info-bg:#e8edff}
*{box-sizing:border-box}
body{margin:0;font-family:Marianne,Arial,Helvetica,sans-serif;color:#161616;background:#fff;line-height:1.5;font-size:1rem}
.wrap{max-width:72rem;margin:0 auto;padding:0 1rem}
a{color:var(--blue)}
a:focus,button:focus,input:focus,select:focus,textarea:focus,summary:focus,[tabindex]:focus{outline:3px solid #0a76f6;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem}
.skip:focus{left:1rem;z-index:10}
header.site{border-bottom:1px solid #ddd;box-shadow:0 2px 4px rgba(0,0,18,.08)}
header.site>.wrap{display:flex;justify-content:space-between;align-items:center;flex-wrap:wrap;padding-top:1rem;padding-bottom:1rem}
.brand{margin:0;font-weight:700;font-size:1.25rem}
.brand a{color:#161616;text-decoration:none}
.brand span{display:block;font-weight:400;font-size:.875rem;color:var(--grey)}
.user{margin:0;font-size:.875rem}
header nav ul{list-style:none;display:flex;gap:1.5rem;margin:0 auto;padding-top:.5rem;padding-bottom:.5rem;border-top:1px solid #ddd}
header nav a{text-decoration:none;font-weight:500}
header nav a:hover{text-decoration:underline}
header nav a[aria-current=page]{font-weight:700;text-decoration:underline;text-underline-offset:.35em;text-decoration-thickness:3px}
main{padding-top:1.5rem;padding-bottom:3rem}
h1{font-size:2rem;line-height:1.25;margin:.5rem 0 1.5rem}
h2{font-size:1.5rem;margin-top:2rem}
.breadcrumb ol{list-style:none;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:.5rem;font-size:.875rem}
.breadcrumb li+li::before{content:"›";margin-right:.5rem;color:var(--grey)}
table{border-collapse:collapse;width:100%;margin:1rem 0}
caption{text-align:left;font-weight:700;padding:.5rem 0}
th,td{border-bottom:1px solid #ddd;padding:.5rem .75rem;text-align:left;vertical-align:top}
thead th{background:var(--grey-light);border-bottom:2px solid #161616}
.badge{display:inline-block;padding:.1rem .5rem;border-radius:.25rem;font-size:.875rem;font-weight:700;text-transform:none}
.badge.late{background:var(--red-bg);color:var(--red)}
.badge.soon{background:var(--orange-bg);color:var(--orange)}
.badge.later,.badge.ok{background:var(--green-bg);color:var(--green)}
.badge.info{background:var(--info-bg);color:var(--blue)}
.field{margin:0 0 1.25rem;border:0;padding:0}
fieldset.field{border:1px solid #ddd;padding:.75rem 1rem}
legend{font-weight:700;padding:0 .25rem}
label{display:block;font-weight:500;margin-bottom:.25rem}
.choice{display:flex;gap:.5rem;align-items:flex-start;margin:.25rem 0}
.choice label{font-weight:400;margin:0}
.choice input{margin-top:.35rem}
.hint{color:var(--grey);font-size:.875rem;margin:0 0 .25rem}
.id{font-family:monospace;overflow-wrap:anywhere}
table.timeline{table-layout:fixed}
table.timeline td{overflow-wrap:anywhere}
table.timeline th:nth-child(1){width:9rem}
table.timeline th:nth-child(2){width:14rem}
table.timeline th:nth-child(3){width:11rem}
.details{margin:0;padding-left:1.25rem}
.req{font-weight:400;color:var(--grey);font-size:.875rem}
input[type=text],input[type=date],input[type=number],input[type=email],input[type=time],select,textarea{display:block;width:100%;max-width:32rem;padding:.5rem .75rem;border:0;border-bottom:2px solid #3a3a3a;background:#eee;font:inherit;color:#161616;border-radius:.25rem .25rem 0 0}
textarea{max-width:48rem}
.has-error input,.has-error select,.has-error textarea{border-bottom-color:var(--red)}
.has-error{border-left:3px solid var(--red);padding-left:.75rem}
.error{color:var(--red);font-weight:700;margin:0 0 .25rem}
.error-summary{border:2px solid var(--red);padding:1rem;margin:0 0 1.5rem;background:var(--red-bg)}
.error-summary h2{margin:0 0 .5rem;font-size:1.25rem;color:var(--red)}
.error-summary a{color:var(--red)}
.notice{border-left:4px solid var(--green);background:var(--green-bg);padding:.75rem 1rem;margin:0 0 1.5rem}
.warning{border-left:4px solid var(--orange);background:var(--orange-bg);padding:.75rem 1rem;margin:1rem 0}
button,.button{display:inline-block;background:var(--blue);color:#fff;border:0;padding:.6rem 1.25rem;font:inherit;font-weight:500;cursor:pointer;text-decoration:none;border-radius:.25rem}
button:hover,.button:hover{background:var(--blue-dark)}
button.secondary{background:#fff;color:var(--blue);box-shadow:inset 0 0 0 1px var(--blue)}
.steps{display:grid;grid-template-columns:repeat(auto-fill,minmax(16rem,1fr));gap:1rem;padding:0;list-style:none}
.steps li{border:1px solid #ddd;padding:1rem}
.steps h3{margin:0 0 .5rem;font-size:1.1rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}
dl.facts dt{font-weight:700}
dl.facts dd{margin:0}
.results-provisional{border-left:4px solid var(--orange);background:var(--orange-bg);padding:.5rem 1rem}
.results-official{border-left:4px solid var(--green);background:var(--green-bg);padding:.5rem 1rem}
.results-rejected{border-left:4px solid var(--red);background:var(--red-bg);padding:.5rem 1rem}
footer.site{border-top:2px solid var(--blue);padding:1rem 0;font-size:.875rem;color:var(--grey)}
.row{display:flex;flex-wrap:wrap;gap:1rem}
.row>.field{flex:1 1 12rem}
/* Printed (the order of passage posted at the site): the page's content alone, links as text. */
@media print{.skip,header.site,footer.site,.breadcrumb,form,button,.screen-only{display:none}main{padding:0}a{color:inherit;text-decoration:none}h2{break-after:avoid}tr{break-inside:avoid}}
`;

/**
 * The one script of the site: hashes the signed PV in the browser (SubtleCrypto SHA-256), asks
 * for a presigned PUT bound to that hash, uploads the file straight to S3, then submits the form
 * with the hash. Without JavaScript the page says this step needs it.
 */
const pvUpload = `
(function(){
  function hex(buf){return Array.prototype.map.call(new Uint8Array(buf),function(b){return b.toString(16).padStart(2,'0');}).join('');}
  function setup(form){
    var file=form.querySelector('input[type="file"]');
    var out=form.querySelector('.pv-status');
    var hashField=form.querySelector('input[name="documentSha256"]');
    var csrf=form.querySelector('input[name="_csrf"]').value;
    function upload(f,bytes,sha){
      var body=new URLSearchParams();body.set('_csrf',csrf);body.set('sha256',sha);body.set('sizeBytes',String(f.size));
      out.textContent='Préparation du dépôt…';
      return fetch(form.dataset.presign,{method:'POST',body:body,credentials:'same-origin',headers:{'accept':'application/json'}})
        .then(function(r){return r.json().then(function(j){if(!r.ok)throw new Error((j.error&&j.error.message)||'Dépôt refusé.');return j;});})
        .then(function(p){out.textContent='Envoi du fichier…';return fetch(p.url,{method:'PUT',body:bytes,headers:p.headers});})
        .then(function(r){if(!r.ok)throw new Error('Le dépôt du fichier a échoué ('+r.status+'). Réessayez.');});
    }
    form.addEventListener('submit',function(ev){
      if(form.dataset.fallback==='1')return;
      ev.preventDefault();
      var f=file&&file.files&&file.files[0];
      if(!f){out.textContent='Choisissez le fichier PDF du procès-verbal signé.';file.focus();return;}
      out.textContent='Calcul de l’empreinte du fichier…';
      f.arrayBuffer().then(function(bytes){
        return crypto.subtle.digest('SHA-256',bytes).then(function(d){
          var sha=hex(d);
          if(!hashField){return upload(f,bytes,sha).then(function(){out.textContent='Fichier déposé.';location.assign(form.dataset.done);});}
          hashField.value=sha;
          out.textContent='Enregistrement du procès-verbal…';
          // The PV is signed first (the vault accepts only the file of a signed PV), then the file goes to S3.
          return fetch(form.action,{method:'POST',body:new URLSearchParams(new FormData(form)),credentials:'same-origin',headers:{'accept':'text/html'}})
            .then(function(r){
              if(!r.ok||r.url.indexOf('ok=pv')<0){form.dataset.fallback='1';form.submit();return;}
              return upload(f,bytes,sha).then(function(){out.textContent='Fichier déposé.';location.assign(r.url);});
            });
        });
      }).catch(function(e){out.textContent=e.message||'Le dépôt a échoué.';});
    });
  }
  document.querySelectorAll('form[data-presign]').forEach(setup);
})();
`;

export const staticAssets: Readonly<Record<string, { readonly contentType: string; readonly body: string }>> = {
  'app.css': { contentType: 'text/css; charset=utf-8', body: css },
  'pv-upload.js': { contentType: 'text/javascript; charset=utf-8', body: pvUpload },
};
