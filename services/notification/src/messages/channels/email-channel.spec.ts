import { createServer, type Server, type Socket } from 'node:net';
import { EmailChannel } from './email-channel';
import type { OutgoingMessage } from './message-channel';

/**
 * What the email channel makes of an SMTP server's replies, with the real nodemailer against a minimal SMTP
 * dialogue (unit level: the integration tests use the real MailDev, which takes every message).
 */
function smtpServer(replyTo: { rcpt: string; data: string }): Promise<{ server: Server; port: number }> {
  const server = createServer((socket: Socket) => {
    let inData = false;
    let buffer = '';
    socket.write('220 test ESMTP\r\n');
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      let index: number;
      while ((index = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, index);
        buffer = buffer.slice(index + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            socket.write(`${replyTo.data}\r\n`);
          }
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250-test\r\n250 8BITMIME\r\n');
        else if (verb === 'MAIL') socket.write('250 OK\r\n');
        else if (verb === 'RCPT') socket.write(`${replyTo.rcpt}\r\n`);
        else if (verb === 'DATA') {
          inData = true;
          socket.write('354 go\r\n');
        } else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('250 OK\r\n');
      }
    });
    socket.on('error', () => undefined);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port })));
}

const message: OutgoingMessage = {
  messageId: '<abc@relais.test>',
  address: 'orientations@structure.example',
  subject: 'Objet',
  text: 'Texte',
  html: null,
  smsText: null,
  tag: 'receiver-requested',
  receiptUrl: null,
  signingSecret: null,
};

describe('the email channel and SMTP replies', () => {
  const cases: Array<[string, { rcpt: string; data: string }, string]> = [
    ['a 5xx to the recipient is a bounce', { rcpt: '550 5.1.1 no such user', data: '250 OK' }, 'bounced'],
    ['a 5xx to the message is a bounce', { rcpt: '250 OK', data: '554 5.6.0 message refused' }, 'bounced'],
    ['a 4xx is worth a retry', { rcpt: '451 4.3.0 try later', data: '250 OK' }, 'retry'],
    ['250 is acceptance', { rcpt: '250 OK', data: '250 queued' }, 'accepted'],
  ];

  it.each(cases)('%s', async (_label, replies, expected) => {
    const { server, port } = await smtpServer(replies);
    const channel = new EmailChannel({ host: '127.0.0.1', port, secure: false, from: 'Relais <ne-pas-repondre@relais.test>' });
    try {
      expect((await channel.send(message)).kind).toBe(expected);
    } finally {
      await channel.close();
      server.close();
    }
  });
});
