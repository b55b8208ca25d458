// Placeholder until the offline runtime lands (issue 4): says what `npm start` does today.
console.log('tp-sessions: le runtime hors ligne (npm start) est en cours de construction ; rien ne démarre encore.');
console.log("En attendant : `npm test` vérifie le catalogue d'événements et le magasin d'événements contre dynalite.");
